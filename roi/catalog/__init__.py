"""Per-model prices (from genai-prices, with user overrides) and latency profiles.

Prices are dollars per million tokens. The engine works in floats for speed; the catalog
reads genai-prices' Decimals once per (model, date) and caches them.
"""

from roi.catalog.latency import LatencyProfile, default_latency, latency_table
from roi.catalog.prices import (
    CatalogEntry,
    ModelPrices,
    Rates,
    Tier,
    catalog_entries,
    catalog_price,
    custom_price,
    model_ids,
    price_history,
    providers,
    resolve_model_ref,
)
from roi.errors import UnknownModelError

__all__ = [
    "CatalogEntry",
    "LatencyProfile",
    "ModelPrices",
    "Rates",
    "Tier",
    "UnknownModelError",
    "catalog_entries",
    "catalog_price",
    "custom_price",
    "default_latency",
    "latency_table",
    "model_ids",
    "price_history",
    "providers",
    "resolve_model_ref",
]
