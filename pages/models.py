"""Models & prices: the catalog, the models in play, discounts, custom models and latency."""

from datetime import date

import streamlit as st

from roi import charts
from roi.catalog import price_history, providers
from roi.errors import ScenarioError
from roi.modelset import (
    add_custom_model,
    catalog_frame,
    models_table,
    set_models_in_play,
    set_override,
    set_price_change,
    set_price_date,
)
from roi.ui.state import current_scenario, edit_scenario, seeded_key, show_flash, widget_key
from roi.ui.text import md
from roi.ui.widgets import chart, chart_scale, scenario_banner

show_flash()
st.title("Models & prices")
s = current_scenario()
scenario_banner(s)


as_of = st.date_input(
    "Prices as of",
    value=s.as_of,
    max_value=date.today(),
    key=seeded_key("price_date"),
    help="genai-prices keeps historic prices: pick a date to price the scenario as it was then.",
)
if as_of != s.as_of:
    edit_scenario(lambda s: set_price_date(s, as_of))
    st.rerun()

st.subheader("Models in play")
try:
    table = models_table(s)
except ScenarioError as exc:
    st.error(str(exc))
    st.stop()
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={
        c: st.column_config.NumberColumn(c, format="$%.3f")
        for c in ("input", "cache write 5m", "cache write 1h", "cache read", "output")
    },
)
st.caption(
    "Prices in USD per million tokens after any discount. Latency: time to first token and output speed."
)

all_ids = catalog_frame(as_of=s.as_of)["model"].tolist()
chosen = st.multiselect(
    "Choose the models in play",
    sorted(set(all_ids) | set(s.models_in_play())),
    default=s.models_in_play(),
    key=seeded_key("in_play"),
)
if st.button("Update models in play"):
    edit_scenario(lambda s: set_models_in_play(s, chosen))
    st.rerun()

with st.form("override"):
    st.markdown("**Negotiated discount and latency for a model**")
    c1, c2, c3, c4 = st.columns(4)
    model = c1.selectbox("Model", s.models_in_play())
    row = table.set_index("model").loc[model] if model in set(table["model"]) else None
    discount = c2.number_input(
        "Discount (%)", 0.0, 99.0, float(row["discount %"]) if row is not None else 0.0
    )
    ttft = c3.number_input(
        "Time to first token (s)", 0.0, 120.0, float(row["ttft s"]) if row is not None else 1.0
    )
    speed = c4.number_input(
        "Output tokens per second", 1.0, 5000.0, float(row["output tokens/s"]) if row is not None else 50.0
    )
    if st.form_submit_button("Apply"):
        custom = s.is_custom(model)
        edit_scenario(
            lambda s: set_override(
                s, model, discount=None if custom else discount / 100, ttft_s=ttft, output_tokens_per_s=speed
            )
        )
        st.rerun()

with st.expander("A price change ahead (a cut announced, a contract renewal)"):
    with st.form("price_change"):
        c1, c2, c3, c4, c5 = st.columns(5)
        pc_model = c1.selectbox("Model", s.models_in_play(), key=widget_key("pc_model"))
        pc_month = c2.number_input("From month", 1, s.horizon_months, min(7, s.horizon_months))
        pc_factor = c3.number_input(
            "Price factor (likely)", 0.0, 10.0, 0.8, step=0.05, help="0.8: 20% cheaper"
        )
        pc_low = c4.number_input("Factor, low (optional)", 0.0, 10.0, value=None, step=0.05)
        pc_high = c5.number_input("Factor, high (optional)", 0.0, 10.0, value=None, step=0.05)
        set_it, clear_it = st.columns(2)
        if set_it.form_submit_button("Apply price change"):
            edit_scenario(
                lambda s: set_price_change(
                    s, pc_model, from_month=int(pc_month), factor=pc_factor, low=pc_low, high=pc_high
                ),
                success=f"{md(pc_model)}: prices × {pc_factor:g} from month {int(pc_month)}.",
            )
            st.rerun()
        if clear_it.form_submit_button("Remove its price change"):
            edit_scenario(lambda s: set_price_change(s, pc_model, from_month=None))
            st.rerun()

with st.expander("Add a custom model (self-hosted or unlisted)"):
    with st.form("custom"):
        name = st.text_input("Model id")
        c1, c2, c3, c4 = st.columns(4)
        p_in = c1.number_input("Input $/M tokens", 0.0, 1000.0, 0.5)
        p_out = c2.number_input("Output $/M tokens", 0.0, 1000.0, 1.5)
        p_cw = c3.number_input("Cache write $/M", 0.0, 1000.0, 0.0)
        p_cr = c4.number_input("Cache read $/M", 0.0, 1000.0, 0.0)
        c5, c6 = st.columns(2)
        ttft = c5.number_input("Time to first token (s)", 0.0, 120.0, 0.5)
        speed = c6.number_input("Output tokens per second", 1.0, 5000.0, 60.0)
        if st.form_submit_button("Add custom model"):
            edit_scenario(
                lambda s: add_custom_model(
                    s,
                    name,
                    input=p_in,
                    output=p_out,
                    cache_write=p_cw,
                    cache_read=p_cr,
                    ttft_s=ttft,
                    output_tokens_per_s=speed,
                )
            )
            st.rerun()

st.subheader("Catalog")
c1, c2 = st.columns([1, 2])
provider = c1.selectbox(
    "Provider", ["(all)", *providers()], index=1 + providers().index("anthropic"), key=widget_key("provider")
)
search = c2.text_input("Search", key=widget_key("search"), placeholder="haiku, sonnet, gpt-4o…")
st.dataframe(
    catalog_frame(as_of=s.as_of, provider=None if provider == "(all)" else provider, search=search),
    hide_index=True,
    width="stretch",
    height=320,
)

history_model = st.selectbox("Price history of", s.models_in_play(), key=seeded_key("history"))
if s.is_custom(history_model):
    st.caption("A custom model has no price history: its prices are typed in.")
else:
    chart(
        charts.price_history_chart(
            history_model, price_history(history_model), today=date.today(), scale=chart_scale()
        ),
        "models.history",
    )
