"""Budget pieces of the Forecast & budgets page: the budgets edited as a table, each one's burn-down
and state, and the alerts posted on request to a webhook typed for this session only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from roi import charts
from roi.errors import RoiError, UsageFormatError
from roi.ui.state import flash, may, needs, store, usage_key, widget_key
from roi.ui.widgets import chart, chart_scale
from roi.usage.budgets import (
    CROSSED,
    SCOPES,
    WILL_CROSS,
    Budget,
    BudgetState,
    alert,
    save_budgets,
    webhook_poster,
)

COLUMNS = ["scope", "key", "monthly_usd"]


def budgets_editor(current: list[Budget]) -> None:
    """The budgets as an editable table, saved whole."""
    frame = pd.DataFrame([b.__dict__ for b in current], columns=COLUMNS)
    edited = st.data_editor(
        frame,
        key=widget_key("budgets"),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "scope": st.column_config.SelectboxColumn("Scope", options=list(SCOPES), required=True),
            "key": st.column_config.TextColumn("Matter, client or team (empty for the total)"),
            "monthly_usd": st.column_config.NumberColumn(
                "Monthly budget (USD)", min_value=0.01, format="$%.2f"
            ),
        },
    )
    if st.button(
        "Save budgets",
        type="primary",
        icon=":material/save:",
        key=widget_key("budgets_save"),
        disabled=not may("edit_budgets"),
        help=needs("edit_budgets"),
    ):
        new = [
            Budget(str(r.scope), str(r.key) if isinstance(r.key, str) else "", float(r.monthly_usd))
            for r in edited.itertuples(index=False)
            if isinstance(r.scope, str) and r.monthly_usd == r.monthly_usd and r.monthly_usd is not None
        ]
        try:
            save_budgets(store(), new)
        except UsageFormatError as exc:
            st.error(f"Not saved: {exc}")
            return
        flash("success", f"Saved {len(new)} budget(s).")
        st.rerun()


def budget_states(states: list[BudgetState]) -> None:
    """One burn-down per budget, its state in words above it."""
    for s in states:
        say = {CROSSED: st.error, WILL_CROSS: st.warning}.get(s.status, st.success)
        say(s.words() + ".")
        chart(
            charts.budget_burndown(
                s.days, s.budget.monthly_usd, f"{s.budget.label}, {s.month}", scale=chart_scale()
            ),
            f"budget.{s.budget.scope}.{s.budget.key}",
        )


def post_alerts(states: list[BudgetState]) -> None:
    """Post the thresholds crossed (80/90/100%) to a webhook now, each crossing once (as cron would)."""
    with st.expander("Post alerts to Slack or another webhook"):
        st.caption(
            "Each crossing of 80%, 90% and 100% of a budget is posted once, here or by "
            "`roi budgets check --webhook` from a scheduler. The URL is used for this session only, never stored."
        )
        url = st.text_input("Webhook URL", type="password", key=widget_key("budget_webhook"))
        if st.button(
            "Post new crossings",
            disabled=not url or not may("post_alerts"),
            help=needs("post_alerts"),
            key=widget_key("budget_post"),
        ):
            try:
                sent = alert(store(), states, webhook_poster(url))
            except RoiError as exc:
                st.error(str(exc))
                return
            st.success(
                f"Posted {len(sent)} alert(s)."
                if sent
                else "Nothing new to post: every crossing was posted before."
            )


@st.cache_data(show_spinner="Checking the budgets…", max_entries=16)
def _check(usage: tuple, budget_list: tuple[Budget, ...], rule_list: tuple) -> list[BudgetState]:
    from roi.usage import priced_store
    from roi.usage.budgets import check

    del usage  # the cache key (state.usage_key)
    return check(priced_store(store()), list(budget_list), list(rule_list))


def cached_check(budget_list: list[Budget]) -> list[BudgetState]:
    from roi.usage.allocation import rules

    return _check(usage_key(), tuple(budget_list), tuple(rules(store())))
