"""Anonymised indicators (bot/indicators.py), until now made by the action server on first use.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database the bot ran on before this migration has the table already (same columns, same index).
    if sa.inspect(op.get_bind()).has_table("indicator_events"):
        return
    op.create_table(
        "indicator_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("conversation_ref", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("role", sa.String(16)),
        sa.Column("municipality", sa.String(80)),
        sa.Column("domain", sa.String(40)),
        sa.Column("route", sa.String(40)),
        sa.Column("turns", sa.Integer),
        sa.Column("score", sa.Integer),
    )
    op.create_index("ix_indicator_events_conversation_ref", "indicator_events", ["conversation_ref"])


def downgrade() -> None:
    op.drop_index("ix_indicator_events_conversation_ref", "indicator_events")
    op.drop_table("indicator_events")
