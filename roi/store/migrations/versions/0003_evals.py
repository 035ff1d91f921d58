"""Sample runs and their per-item results.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "eval_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("set_name", sa.String(300), nullable=False),
        sa.Column("set_fingerprint", sa.String(32), nullable=False),
        sa.Column("models", sa.Text, nullable=False),
        sa.Column("batch", sa.Boolean, nullable=False),
        sa.Column("batch_id", sa.String(200), nullable=True),
        sa.Column("max_spend", sa.Float, nullable=True),
        sa.Column("status", sa.String(200), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "eval_results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "run_id",
            sa.Integer,
            sa.ForeignKey("eval_runs.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("item_id", sa.String(300), nullable=False),
        sa.Column("task", sa.String(300), nullable=False),
        sa.Column("model", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("correct", sa.Boolean, nullable=True),
        sa.Column("confidence", sa.Float, nullable=True),
        sa.Column("latency_s", sa.Float, nullable=True),
        sa.Column("ttft_s", sa.Float, nullable=True),
        *(
            sa.Column(c, sa.Float, nullable=False)
            for c in ("input_tokens", "cache_write_tokens", "cache_read_tokens", "output_tokens", "cost_usd")
        ),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.UniqueConstraint("run_id", "item_id", "model"),
    )


def downgrade() -> None:
    op.drop_table("eval_results")
    op.drop_table("eval_runs")
