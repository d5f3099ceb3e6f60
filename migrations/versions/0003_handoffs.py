"""Handoffs to the local team, their webhook outbox, team inbox staff, API tokens, access log.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "handoffs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("reference", sa.String(12), nullable=False, unique=True),
        sa.Column("municipality", sa.String(80), nullable=False, index=True),
        sa.Column("team_name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("referrer_role", sa.String(20), nullable=False),
        sa.Column("route", sa.String(30), nullable=False),
        sa.Column("urgency", sa.String(10), nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("contact", sa.JSON, nullable=False),
        sa.Column("consent", sa.JSON, nullable=False),
        sa.Column("safety_flags", sa.JSON, nullable=False),
        sa.Column("waits_shown", sa.JSON, nullable=False),
        sa.Column("conversation_id", sa.String(128)),
        sa.Column("claimed_by", sa.String(80)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime, index=True),
        sa.Column("status_check_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("status_check_locked_until", sa.DateTime),
    )
    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("handoff_id", sa.String(36), sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("value", sa.Text),
    )
    op.create_table(
        "handoff_outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("handoff_id", sa.String(36), sa.ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("url", sa.String(300), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False, index=True),
        sa.Column("lease_until", sa.DateTime),
        sa.Column("delivered_at", sa.DateTime),
        sa.Column("last_error", sa.String(300)),
    )
    op.create_table(
        "webhook_secrets",
        sa.Column("team_name", sa.String(200), primary_key=True),
        sa.Column("secret", sa.String(128), nullable=False),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("display_name", sa.String(120), nullable=False),
        sa.Column("team_name", sa.String(200), nullable=False),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False, server_default="0"),
        sa.Column("locked_until", sa.DateTime),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("staff_id", sa.Integer, sa.ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("team_name", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False, index=True),
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("team_name", sa.String(200), nullable=False, index=True),
        sa.Column("handoff_id", sa.String(36)),
        sa.Column("reference", sa.String(12)),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("detail", sa.String(200)),
    )


def downgrade() -> None:
    for table in ("access_log", "api_tokens", "staff_sessions", "staff", "webhook_secrets", "handoff_outbox",
                  "handoff_events", "handoffs"):
        op.drop_table(table)
