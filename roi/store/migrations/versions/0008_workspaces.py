"""Workspaces: the registry and its members. Existing data is the default workspace's (it stays in
the main database, where it always was), open to everyone signed in until an admin says otherwise.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    ws = op.create_table(
        "workspaces",
        sa.Column("slug", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    members = op.create_table(
        "workspace_members",
        sa.Column(
            "workspace",
            sa.String(40),
            sa.ForeignKey("workspaces.slug", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("member", sa.String(300), primary_key=True),
    )
    from datetime import UTC, datetime

    op.bulk_insert(ws, [{"slug": "default", "name": "Default", "created_at": datetime.now(UTC)}])
    op.bulk_insert(members, [{"workspace": "default", "member": "*"}])


def downgrade() -> None:
    op.drop_table("workspace_members")
    op.drop_table("workspaces")
