"""Routing ROI: what AI work costs today and what routing it across models would save."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("routing-roi")
except PackageNotFoundError:  # running from a checkout without an install
    __version__ = "0.0.0"

DATA_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "data"
