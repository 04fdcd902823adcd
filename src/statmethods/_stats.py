"""Small statistical helpers shared by the estimators (re-exported from :mod:`.validation`)."""

from __future__ import annotations

from .validation import z_quantile

__all__ = ["z_quantile"]
