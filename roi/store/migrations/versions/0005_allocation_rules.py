"""Chargeback rules: a tag or an API key belongs to a matter and its client.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "allocation_rules",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("matter", sa.String(300), nullable=False),
        sa.Column("client", sa.String(300), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("allocation_rules")
