"""Usage imports: normalized rows, request ids for de-duplication, model aliases.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "usage_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("format", sa.String(64), nullable=False),
        sa.Column("file_name", sa.String(500), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("imported_at", TZ, nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("rows_stored", sa.Integer, nullable=False),
        sa.Column("skipped_duplicates", sa.Integer, nullable=False),
        sa.Column("replaced", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Text, nullable=False),
        sa.Column("latency_histogram", sa.Text, nullable=False),
    )
    text = sa.String(300)
    op.create_table(
        "usage_rows",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "import_id",
            sa.Integer,
            sa.ForeignKey("usage_imports.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("start", TZ, nullable=False, index=True),
        sa.Column("end", TZ, nullable=True),
        sa.Column("model_raw", text, nullable=False),
        *(
            sa.Column(c, text, nullable=True)
            for c in ("workspace", "api_key", "project", "user", "tag", "task")
        ),
        sa.Column("requests", sa.Float, nullable=True),
        *(
            sa.Column(c, sa.Float, nullable=False)
            for c in (
                "input_tokens",
                "cache_write_5m_tokens",
                "cache_write_1h_tokens",
                "cache_read_tokens",
                "output_tokens",
            )
        ),
        sa.Column("service_tier", sa.String(32), nullable=True),
        sa.Column("context_window", sa.String(32), nullable=True),
        sa.Column("reported_cost_usd", sa.Float, nullable=True),
        sa.Column("latency_s_sum", sa.Float, nullable=True),
        sa.Column("ttft_s_sum", sa.Float, nullable=True),
        sa.Column("timed_requests", sa.Float, nullable=True),
        sa.Column("token_type", sa.String(64), nullable=True),
        sa.Column("dedup_key", sa.String(64), nullable=True, unique=True),
    )
    op.create_table(
        "usage_request_ids",
        sa.Column("request_id", sa.String(200), primary_key=True),
        sa.Column(
            "import_id",
            sa.Integer,
            sa.ForeignKey("usage_imports.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
    )
    op.create_table(
        "model_aliases",
        sa.Column("model_raw", text, primary_key=True),
        sa.Column("model_id", text, nullable=False),
        *(sa.Column(c, sa.Float, nullable=True) for c in ("input", "output", "cache_write", "cache_read")),
    )


def downgrade() -> None:
    for t in ("model_aliases", "usage_request_ids", "usage_rows", "usage_imports"):
        op.drop_table(t)
