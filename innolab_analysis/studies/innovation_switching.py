"""Innovations that start, stop and restart: :func:`switching_did` driven by the data model.

The innovations table records when each innovation was launched
(``launched_on``) and discontinued (``discontinued_on``). :func:`agency_panel`
turns those dates into ``active`` (1 when at least one launched innovation was
in operation at some time during the period) and ``n_active`` (how many were);
:func:`innovation_switching` feeds that on/off treatment to the de
Chaisemartin–D'Haultfœuille estimators, which — unlike the staggered estimators
fed by ``treated`` — let a discontinued innovation switch the treatment off.
"""

from __future__ import annotations

from typing import Any

from innolab_analysis.estimators.switching import SwitchingResult, switching_did
from innolab_analysis.options import Frequency
from innolab_analysis.studies.panel import agency_panel

__all__ = ["innovation_switching"]


def innovation_switching(
    study: Any,
    *,
    outcome: str = "ikm",
    frequency: Frequency = "semester",
    dose: bool = False,
    start: Any = None,
    end: Any = None,
    **options: Any,
) -> SwitchingResult:
    """Effect of running an innovation, with innovations that stop and restart.

    Parameters
    ----------
    study : Study or mapping of table name to DataFrame
        As for :func:`~innolab_analysis.studies.panel.agency_panel`.
    outcome : str
        ``"ikm"`` or a service indicator of the study.
    frequency : {"semester", "year"}
        Length of a period.
    dose : bool
        False (default): the treatment is ``active`` (0/1: some launched
        innovation in operation during the period), which gives ``DID_M``
        beside the dynamic effects. True: ``n_active`` (the number of
        innovations in operation), for the dynamic effects per first change.
    start, end : date-like, optional
        First and last period, as for ``agency_panel``.
    **options
        Passed to :func:`~innolab_analysis.estimators.switching.switching_did`
        (``effects``, ``placebo``, ``se``, ``missing``, ``level`` …).
        ``missing`` defaults to ``"drop"`` here: an agency formed during the
        panel (no rows before it existed) is left out, and a diagnostic names it.

    Returns
    -------
    SwitchingResult
        Units are agencies, periods are ``period_index`` (1, 2, … as in the panel).

    Examples
    --------
    >>> from innolab_analysis.data.study import load_study
    >>> res = innovation_switching(load_study("data/demo"), effects=2, placebo=1)
    >>> res.terms["term"].tolist()[:2], int(res.switchers.loc["leavers", "n_switchers"])
    (['did_m', 'joiners'], 1)
    """
    panel = agency_panel(study, frequency=frequency, outcomes=outcome, start=start, end=end)
    options.setdefault("missing", "drop")
    return switching_did(
        panel,
        outcome=outcome,
        unit="agency_id",
        time="period_index",
        treatment="n_active" if dose else "active",
        **options,
    )
