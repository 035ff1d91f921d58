"""Overview: today's spend vs routed, latency, accuracy and payback, at a glance."""

import streamlit as st

from roi import present
from roi.ui.state import current_scenario, evaluated

scenario = current_scenario()
st.title("Routing ROI")
st.subheader(scenario.name)
if scenario.illustrative:
    st.info(
        "Illustrative demo data: every number below is an assumption, not a measurement.",
        icon=":material/info:",
    )

result = evaluated(scenario)
if result is not None:
    tiles = present.headline_tiles(result)
    for col, tile in zip(st.columns(len(tiles)), tiles, strict=True):
        col.metric(tile.label, tile.value, tile.delta, delta_color=tile.delta_color, help=tile.help)
    st.write(present.headline_sentence(result))
