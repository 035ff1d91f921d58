"""Usage rows keep where a request ran (inference_geo: global, us, a cloud region) and at what
speed (standard, fast): both change the price, and the Analytics API, the Console export and the
cloud bills state them. Nullable: rows stored before say nothing, and keep their keys.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN on both databases: no copy of a table that may hold millions of rows
    op.add_column("usage_rows", sa.Column("inference_geo", sa.String(64), nullable=True))
    op.add_column("usage_rows", sa.Column("speed", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("usage_rows") as batch:
        batch.drop_column("speed")
        batch.drop_column("inference_geo")
