"""Regions, municipalities, local teams, the voorveld catalogue and scope rules.

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("regions", sa.Column("id", sa.String(60), primary_key=True),
                    sa.Column("name", sa.String(120), nullable=False), sa.Column("position", sa.Integer, nullable=False))
    op.create_table("municipalities", sa.Column("name", sa.String(80), primary_key=True),
                    sa.Column("region_id", sa.String(60), sa.ForeignKey("regions.id", ondelete="CASCADE"), nullable=False),
                    sa.Column("aliases", sa.JSON, nullable=False), sa.Column("position", sa.Integer, nullable=False))
    op.create_table("local_teams",
                    sa.Column("municipality", sa.String(80), sa.ForeignKey("municipalities.name", ondelete="CASCADE"),
                              primary_key=True),
                    sa.Column("name", sa.String(200), nullable=False), sa.Column("type", sa.String(20), nullable=False),
                    sa.Column("phone", sa.String(60)), sa.Column("email", sa.String(200)),
                    sa.Column("website", sa.String(300)), sa.Column("response_days", sa.Integer),
                    # Where handoffs go besides the team inbox: the team's own system (webhook), if any.
                    sa.Column("handoff_webhook_url", sa.String(300)))
    op.create_table("voorveld_options", sa.Column("id", sa.String(80), primary_key=True),
                    sa.Column("name", sa.String(200), nullable=False), sa.Column("description", sa.Text, nullable=False),
                    sa.Column("domains", sa.JSON, nullable=False), sa.Column("age_min", sa.Integer, nullable=False),
                    sa.Column("age_max", sa.Integer, nullable=False), sa.Column("regions", sa.JSON),
                    sa.Column("municipalities", sa.JSON), sa.Column("cost", sa.String(120), nullable=False),
                    sa.Column("how", sa.Text, nullable=False), sa.Column("position", sa.Integer, nullable=False))
    op.create_table("scope_items", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("item_id", sa.String(80), nullable=False),
                    sa.Column("municipality", sa.String(80)),  # null: the default list
                    sa.Column("change", sa.String(10), nullable=False),  # default | add | remove
                    sa.Column("keywords", sa.JSON), sa.Column("label", sa.String(200)), sa.Column("alternative", sa.Text))
    # Prose and settings that belong to a document as a whole (national guidance, normalising
    # tips, dyslexia and 18+ texts, the example-data flag), as JSON per document and key.
    op.create_table("knowledge_texts", sa.Column("document", sa.String(40), primary_key=True),
                    sa.Column("key", sa.String(60), primary_key=True), sa.Column("value", sa.JSON))


def downgrade() -> None:
    for table in ("knowledge_texts", "scope_items", "voorveld_options", "local_teams", "municipalities", "regions"):
        op.drop_table(table)
