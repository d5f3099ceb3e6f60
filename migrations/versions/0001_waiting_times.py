"""Providers, the municipalities they serve, and their wait reports.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "providers",
        sa.Column("id", sa.String(60), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("website", sa.String(300)),
        sa.Column("api_key_hash", sa.String(64), unique=True),
        sa.Column("example_data", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "provider_areas",
        sa.Column("provider_id", sa.String(60), sa.ForeignKey("providers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("municipality", sa.String(80), primary_key=True),
    )
    op.create_table(
        "wait_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("provider_id", sa.String(60), sa.ForeignKey("providers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("aanmeld_weeks", sa.Integer, nullable=False),
        sa.Column("behandel_weeks", sa.Integer),
        sa.Column("intake_stop", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("peildatum", sa.Date, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_wait_reports_provider_id", "wait_reports", ["provider_id"])


def downgrade() -> None:
    op.drop_index("ix_wait_reports_provider_id", "wait_reports")
    op.drop_table("wait_reports")
    op.drop_table("provider_areas")
    op.drop_table("providers")
