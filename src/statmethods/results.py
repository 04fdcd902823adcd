"""One base for every estimator's result: ``estimates``, ``se``, ``conf_int``, ``table``, ``summary``.

A ``<Method>Result`` subclasses :class:`EstimateResult` and provides two things: the point
estimates (:attr:`estimates`, a :class:`pandas.Series`) and their standard errors (:attr:`se`,
the same index). Intervals, the table and the printed summary are then written once, here, from
those two and the result's ``confidence``. A subclass overrides a method only where its method
needs it (a different interval, more columns), and says so in its docstring.

Examples
--------
>>> import pandas as pd
>>> class MeanResult(EstimateResult):
...     title = "Mean"
...     def __init__(self):
...         self.estimates = pd.Series({"a": 1.0, "b": 2.0}, name="estimate")
...         self.se = pd.Series({"a": 0.1, "b": 0.2}, name="se")
...         self.confidence = 0.95
>>> MeanResult().conf_int().round(3)
   lower  upper
a  0.804  1.196
b  1.608  2.392
"""

from __future__ import annotations

import pandas as pd

from ._summary import Summary
from .validation import z_quantile

__all__ = ["EstimateResult"]


class EstimateResult:
    """Base of every ``<Method>Result``: subclasses set ``estimates``, ``se`` and ``confidence``.

    Attributes
    ----------
    estimates : pandas.Series
        Point estimates, one per row of the result (area, class, domain, cell).
    se : pandas.Series
        Standard errors (or root MSEs) on the same index.
    confidence : float
        Default confidence level of :meth:`conf_int`, :meth:`table` and :meth:`summary`.
    """

    title: str = "Estimates"
    estimates: pd.Series
    se: pd.Series
    confidence: float

    @property
    def z(self) -> float:
        """Normal quantile of the result's confidence level."""
        return z_quantile(self.confidence)

    def conf_int(self, confidence: float | None = None) -> pd.DataFrame:
        """Normal intervals ``estimate ± z se``, columns ``lower`` and ``upper``.

        Parameters
        ----------
        confidence : float, optional
            Confidence level in (0, 1); defaults to the result's own level.
        """
        z = z_quantile(self.confidence if confidence is None else confidence)
        est = pd.Series(self.estimates)
        se = pd.Series(self.se)
        return pd.DataFrame({"lower": est - z * se, "upper": est + z * se})

    def table(self) -> pd.DataFrame:
        """One row per estimate: ``estimate``, ``se``, ``lower``, ``upper``."""
        ci = self.conf_int()
        return pd.DataFrame({"estimate": pd.Series(self.estimates), "se": pd.Series(self.se),
                             "lower": ci["lower"], "upper": ci["upper"]})

    def _summary_header(self) -> dict[str, str]:
        return {"Estimates": str(len(pd.Series(self.estimates))),
                "Confidence": f"{self.confidence:.0%}"}

    def summary(self) -> Summary:
        """Printable summary: a header of key facts and :meth:`table`."""
        return Summary(self.title, self._summary_header(), self.table())
