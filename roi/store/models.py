"""Tables. Every change here comes with an Alembic migration in migrations/versions/."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class ScenarioRow(Base):
    """A named scenario; `revision` is the number of its newest revision (optimistic lock)."""

    __tablename__ = "scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    revision: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revisions: Mapped[list[RevisionRow]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", order_by="RevisionRow.revision"
    )


class RevisionRow(Base):
    """One saved version of a scenario's JSON document; never changed once written."""

    __tablename__ = "scenario_revisions"
    __table_args__ = (UniqueConstraint("scenario_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    scenario: Mapped[ScenarioRow] = relationship(back_populates="revisions")


class UsageImport(Base):
    """One imported export file; deleting it deletes its rows."""

    __tablename__ = "usage_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    format: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_stored: Mapped[int] = mapped_column(Integer, default=0)
    skipped_duplicates: Mapped[int] = mapped_column(Integer, default=0)
    replaced: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[str] = mapped_column(Text, default="[]")
    latency_histogram: Mapped[str] = mapped_column(Text, default="")  # JSON {edges, counts} when per-request


class UsageRow(Base):
    """Normalized usage (kind="usage") or billed cost lines (kind="cost"), additive token buckets.

    Per-request logs read by the generic reader are stored summed per day × model × dimensions,
    their request ids in usage_request_ids; LiteLLM logs (the engine) keep their hourly rollup and
    request ids in the lake beside the database (roi.usage.lake), and only their import row here.
    """

    __tablename__ = "usage_rows"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("usage_imports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    end: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    model_raw: Mapped[str] = mapped_column(String(300))
    workspace: Mapped[str | None] = mapped_column(String(300), nullable=True)
    api_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    project: Mapped[str | None] = mapped_column(String(300), nullable=True)
    user: Mapped[str | None] = mapped_column(String(300), nullable=True)
    tag: Mapped[str | None] = mapped_column(String(300), nullable=True)
    task: Mapped[str | None] = mapped_column(String(300), nullable=True)
    requests: Mapped[float | None] = mapped_column(nullable=True)
    input_tokens: Mapped[float] = mapped_column(default=0.0)
    cache_write_5m_tokens: Mapped[float] = mapped_column(default=0.0)
    cache_write_1h_tokens: Mapped[float] = mapped_column(default=0.0)
    cache_read_tokens: Mapped[float] = mapped_column(default=0.0)
    output_tokens: Mapped[float] = mapped_column(default=0.0)
    service_tier: Mapped[str | None] = mapped_column(String(32), nullable=True)
    context_window: Mapped[str | None] = mapped_column(String(32), nullable=True)
    inference_geo: Mapped[str | None] = mapped_column(String(64), nullable=True)
    speed: Mapped[str | None] = mapped_column(String(32), nullable=True)
    reported_cost_usd: Mapped[float | None] = mapped_column(nullable=True)
    latency_s_sum: Mapped[float | None] = mapped_column(nullable=True)
    ttft_s_sum: Mapped[float | None] = mapped_column(nullable=True)
    timed_requests: Mapped[float | None] = mapped_column(nullable=True)
    token_type: Mapped[str | None] = mapped_column(String(64), nullable=True)
    dedup_key: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)


class UsageRequestId(Base):
    __tablename__ = "usage_request_ids"

    request_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("usage_imports.id", ondelete="CASCADE"), index=True)


class ModelAlias(Base):
    """The user's mapping of a model name the catalog cannot price to a catalog or custom model."""

    __tablename__ = "model_aliases"

    model_raw: Mapped[str] = mapped_column(String(300), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(300))
    input: Mapped[float | None] = mapped_column(nullable=True)  # custom prices, $ per million tokens
    output: Mapped[float | None] = mapped_column(nullable=True)
    cache_write: Mapped[float | None] = mapped_column(nullable=True)
    cache_read: Mapped[float | None] = mapped_column(nullable=True)


class EvalRun(Base):
    """A sample run: one eval set against some models. Results are written as they arrive."""

    __tablename__ = "eval_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_name: Mapped[str] = mapped_column(String(300))
    set_fingerprint: Mapped[str] = mapped_column(String(32))
    models: Mapped[str] = mapped_column(Text)  # JSON list
    batch: Mapped[bool] = mapped_column(default=False)
    batch_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    max_spend: Mapped[float | None] = mapped_column(nullable=True)
    status: Mapped[str] = mapped_column(String(200), default="running")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvalResult(Base):
    __tablename__ = "eval_results"
    __table_args__ = (UniqueConstraint("run_id", "item_id", "model"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("eval_runs.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(300))
    task: Mapped[str] = mapped_column(String(300))
    model: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16))  # ok / failed
    answer: Mapped[str] = mapped_column(Text, default="")
    correct: Mapped[bool | None] = mapped_column(nullable=True)
    confidence: Mapped[float | None] = mapped_column(nullable=True)
    latency_s: Mapped[float | None] = mapped_column(nullable=True)
    ttft_s: Mapped[float | None] = mapped_column(nullable=True)
    input_tokens: Mapped[float] = mapped_column(default=0.0)
    cache_write_tokens: Mapped[float] = mapped_column(default=0.0)
    cache_read_tokens: Mapped[float] = mapped_column(default=0.0)
    output_tokens: Mapped[float] = mapped_column(default=0.0)
    cost_usd: Mapped[float] = mapped_column(default=0.0)  # answer + judge
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SettingRow(Base):
    """App-wide settings (the firm's branding), one text value per key."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AllocationRule(Base):
    """The firm's chargeback rules: a tag or an API key belongs to a matter (and its client)."""

    __tablename__ = "allocation_rules"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # tag / api_key
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    matter: Mapped[str] = mapped_column(String(300))
    client: Mapped[str | None] = mapped_column(String(300), nullable=True)


class BudgetRow(Base):
    """A monthly budget for the firm's total, a matter, a client or a team ('' key for the total)."""

    __tablename__ = "budgets"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)  # total / matter / client / team
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    monthly_usd: Mapped[float] = mapped_column()


class BudgetAlertRow(Base):
    """A threshold crossing already posted to a webhook: `roi budgets check` never posts it twice."""

    __tablename__ = "budget_alerts"

    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    threshold: Mapped[int] = mapped_column(Integer, primary_key=True)  # 80 / 90 / 100 (% of budget)
    posted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditEntry(Base):
    """Who did what, when, in which workspace. Append-only: the database refuses an UPDATE or a
    DELETE of it (a trigger, migration 0007)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user: Mapped[str] = mapped_column(String(300))
    workspace: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")


class WorkspaceRow(Base):
    """A workspace (main database only): its data lives in a database or schema of its own
    (roi.store.workspaces); "default" is the main database itself."""

    __tablename__ = "workspaces"

    slug: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WorkspaceMember(Base):
    """Who may open a workspace: an e-mail address, `group:<name>` or `*` (everyone signed in)."""

    __tablename__ = "workspace_members"

    workspace: Mapped[str] = mapped_column(
        ForeignKey("workspaces.slug", ondelete="CASCADE"), primary_key=True
    )
    member: Mapped[str] = mapped_column(String(300), primary_key=True)
