"""Monthly budgets (total, matter, client, team) and the alert crossings already posted.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "budgets",
        sa.Column("scope", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("monthly_usd", sa.Float(), nullable=False),
    )
    op.create_table(
        "budget_alerts",
        sa.Column("scope", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("threshold", sa.Integer(), primary_key=True),
        sa.Column("posted_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("budget_alerts")
    op.drop_table("budgets")
