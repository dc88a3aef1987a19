"""The staggered panel the event-study estimators share, checked once.

:func:`prepare_event_panel` validates the arguments and the data of
:func:`~innolab_analysis.estimators.sun_abraham.sun_abraham` and
:func:`~innolab_analysis.estimators.imputation.imputation_did` (the same checks
as :func:`~innolab_analysis.estimators.staggered.staggered_did`: periods,
absorbing cohorts, one row per unit and period, clusters constant within unit)
and returns the outcome as a wide ``unit × period`` matrix. Rows with a
missing or infinite outcome are dropped with a diagnostic saying how many
(:func:`~innolab_analysis.estimators._diagnostics.drop_missing`); the caller's
data are never modified.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.estimators import _diagnostics as dg
from innolab_analysis.estimators._result import Diagnostic

__all__ = ["EventPanel", "prepare_event_panel"]


@dataclass
class EventPanel:
    """A staggered panel as arrays (private to the estimators).

    ``Y`` is ``(n_units, n_periods)`` with NaN where a unit is not observed;
    ``G`` the first treated period of each unit (0 = never treated); ``codes``
    the cluster of each unit (None = every unit its own cluster).
    """

    Y: np.ndarray
    G: np.ndarray
    tlist: np.ndarray
    codes: np.ndarray | None
    n_clusters: int
    time_labels: dict[int, Any] | None
    n_obs: int
    cluster_name: str
    units: np.ndarray
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def cluster_of_unit(self) -> np.ndarray:
        return np.arange(len(self.G)) if self.codes is None else self.codes

    def label(self, period_value: float):
        """Calendar label of a period value (the date when dates were mapped)."""
        if self.time_labels is not None:
            return self.time_labels.get(int(period_value) - 1, period_value)
        v = float(period_value)
        return int(v) if v.is_integer() else v


def prepare_event_panel(
    data: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    time: str,
    cohort: str,
    cluster: str | None,
    what: str,
) -> EventPanel:
    """Check ``data`` and build the wide panel (see the module docstring).

    Raises
    ------
    DataValidationError
        Not a DataFrame, no rows, missing columns, an outcome that is all
        missing or constant, duplicate unit-period rows, a cohort that changes
        within a unit, non-integer periods.
    """
    from innolab_analysis.estimators.staggered import _prepare

    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(
            f"{what} expects a pandas DataFrame with one row per unit and period (columns "
            f"{outcome!r}, {unit!r}, {time!r}, {cohort!r}); got {type(data).__name__}"
        )
    missing = [
        c for c in dict.fromkeys([outcome, unit, time, cohort, cluster]) if c and c not in data
    ]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    f"column '{c}' is missing; {what} expects a long panel with the columns "
                    f"{outcome!r}, {unit!r}, {time!r} and {cohort!r}. Available: "
                    f"{', '.join(map(str, data.columns)) or 'none'}",
                    column=c,
                )
                for c in missing
            ]
        )
    shape = "a long panel with one row per unit and period"
    dg.require_rows(data, [outcome, unit, time, cohort], what=what, shape=shape)
    y = data[outcome]
    if not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        raise DataValidationError(
            [Problem(f"the outcome must be numeric, got dtype {y.dtype}", column=outcome)]
        )
    used, note = dg.drop_missing(
        data, [outcome], what=what, shape=shape, carry=[unit, time, cohort, cluster]
    )
    diags = [note] if note is not None else []
    prep = _prepare(
        used,
        outcome=outcome,
        unit=unit,
        time=time,
        cohort=cohort,
        covariates=None,
        cluster=cluster,
        panel=True,
        anticipation=0,
    )
    return EventPanel(
        Y=prep.Y,
        G=prep.G,
        tlist=prep.tlist,
        codes=prep.codes,
        n_clusters=prep.n_clusters,
        time_labels=prep.time_labels,
        n_obs=prep.n_obs,
        cluster_name=cluster or unit,
        units=prep.units,
        diagnostics=diags + list(prep.diagnostics),
    )
