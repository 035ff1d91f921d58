"""The only Streamlit-aware part of roi: session state, cached loaders and small widgets."""
