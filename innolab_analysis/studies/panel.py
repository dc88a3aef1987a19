"""The agency × period panel: outcomes, cohorts and readiness built from administrative records.

Impact estimators want one row per unit and period with a treatment cohort;
agencies keep dates (innovation launched on 2018-09-13, discontinued on
2021-06-30, Kecamatan Kranggan formed on 2016-06-20). :func:`agency_panel`
turns the second into the first, with explicit, documented rules.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, get_args

import numpy as np
import pandas as pd

from innolab_analysis.data.tables import SERVICE_INDICATORS
from innolab_analysis.errors import DataValidationError, EstimationError, InnolabError, Problem
from innolab_analysis.options import Frequency

__all__ = ["Frequency", "agency_panel", "comparison_problem", "period_start"]


_MONTHS = {"semester": 6, "year": 12}
_SHOWN = 5


def period_start(dates: Any, frequency: Frequency = "semester") -> pd.Series | pd.Timestamp:
    """First day of the period (semester or year) that contains each date.

    Parameters
    ----------
    dates : date-like or Series of date-likes
    frequency : {"semester", "year"}

    Returns
    -------
    Timestamp or Series of Timestamps
        1 January or 1 July (semester), 1 January (year); NaT stays NaT.

    Examples
    --------
    >>> period_start("2018-09-13")
    Timestamp('2018-07-01 00:00:00')
    >>> period_start("2018-09-13", "year")
    Timestamp('2018-01-01 00:00:00')
    """
    _check_frequency(frequency)
    if isinstance(dates, pd.Series):
        d = pd.to_datetime(dates)
        month = 1 if frequency == "year" else np.where(d.dt.month >= 7, 7, 1)
        out = pd.to_datetime(
            pd.DataFrame({"year": d.dt.year, "month": month, "day": 1}), errors="coerce"
        )
        return out.where(d.notna())
    ts = pd.Timestamp(dates)
    if pd.isna(ts):
        return pd.NaT
    month = 1 if frequency == "year" or ts.month < 7 else 7
    return pd.Timestamp(ts.year, month, 1)


def _check_frequency(frequency: object) -> None:
    allowed = get_args(Frequency)
    if frequency not in allowed:
        raise InnolabError(
            f"frequency must be one of {allowed}, got {frequency!r}; "
            "use 'semester' (SKM is usually surveyed per semester) or 'year'"
        )


def _get_table(study: Any, name: str) -> pd.DataFrame | None:
    if isinstance(study, Mapping):
        return study.get(name)
    return getattr(study, name, None)


def _present(study: Any) -> str:
    if isinstance(study, Mapping):
        names = [k for k, v in study.items() if v is not None]
    else:
        names = list(getattr(study, "tables", ()))
    return ", ".join(names) or "none"


def _require(study: Any, name: str, why: str) -> pd.DataFrame:
    df = _get_table(study, name)
    if df is None:
        raise InnolabError(
            f"agency_panel needs the '{name}' table {why}, but the study has none "
            f"(tables present: {_present(study)}); add {name}.csv (or .parquet) to the study folder"
        )
    return df


def _dates(df: pd.DataFrame, col: str) -> pd.Series:
    return pd.to_datetime(df[col]) if col in df.columns else pd.Series(pd.NaT, index=df.index)


def _shift(ts: pd.Timestamp, months: int) -> pd.Timestamp:
    return ts + pd.DateOffset(months=months)


def agency_panel(
    study: Any,
    *,
    frequency: Frequency = "semester",
    outcomes: str | Sequence[str] = ("ikm",),
    start: Any = None,
    end: Any = None,
    require_comparison: bool = True,
) -> pd.DataFrame:
    """Build the agency × period panel with outcomes, treatment cohorts and readiness.

    Parameters
    ----------
    study : Study or mapping of table name to DataFrame
        A loaded study (:func:`innolab_analysis.load_study`) or a dict of tables
        (``agencies`` and ``innovations`` are required; ``skm_responses`` when
        ``"ikm"`` is an outcome; ``service_indicators`` and ``readiness`` optional).
    frequency : {"semester", "year"}
        Length of a period. Periods start on 1 January / 1 July (semester) or
        1 January (year).
    outcomes : str or sequence of str
        Outcomes that must be in the panel: ``"ikm"`` (computed from
        ``skm_responses``) and/or names of service indicators in the study.
        Every service indicator present is added as a column anyway;
        ``outcomes`` decides what is required and whether the IKM is computed.
    start, end : date-like, optional
        First and last period (any date inside them). Default: the first and
        last period with SKM responses or service indicators.
    require_comparison : bool
        Refuse a panel no comparison design can use, saying why and what would
        make one (:func:`comparison_problem`): one agency only, every launch
        before the first period (always treated, no pre-period), or every
        agency launching in the same period with none left untreated. ``False``
        builds it anyway (e.g. for an interrupted time series of one agency).

    Returns
    -------
    pandas.DataFrame
        One row per agency and period, sorted by ``agency_id, period``:

        ``agency_id``, ``period`` (first day), ``period_index`` (1, 2, …
        consecutive over the calendar from ``start``), ``ikm`` (unrounded IKM
        25–100 by Permen PANRB 14/2017, mean of the element means over answered
        items; from :func:`innolab_analysis.metrics.skm.skm_index`),
        ``n_respondents`` (0 when the agency had no respondents: then ``ikm``
        is NaN), ``ikm_note`` (why an IKM is missing), one column per service
        indicator, ``first_launch``, ``cohort``, ``treated``, ``event_time``,
        ``active``, ``n_active``, ``always_treated``, one column per readiness dimension and
        ``readiness_assessed_on``.

    Raises
    ------
    InnolabError
        Unknown ``frequency``; a required table is missing; ``start`` after ``end``.
    EstimationError
        With ``require_comparison``, when no comparison is possible (see above).
    DataValidationError
        Outcomes not in the data; innovations discontinued before launch;
        SKM responses or indicators dated before their agency existed.

    Notes
    -----
    Cohort rules:

    * An agency's **first launch** is the earliest ``launched_on`` of its
      innovations; innovations never launched (inisiatif, uji coba) do not count.
    * ``cohort`` is the ``period_index`` of the period containing the first
      launch; **0 = never treated** within the panel (no launch, or a first
      launch after the last period — ``first_launch`` still shows the date).
    * ``treated`` is 1 from the cohort period on and stays 1: treatment is
      **absorbing**. A discontinued innovation does not switch it off;
      ``active`` (1 when at least one launched innovation was in operation at
      some time during the period: launched on or before the period's last
      day and not discontinued on or before its first day) records that
      separately, and ``n_active`` counts the innovations in operation in the
      period (the on/off treatment of :func:`innovation_switching`).
    * An agency whose first launch is before the first period is
      **always treated**: ``always_treated`` is True, ``cohort`` = 1 and
      ``treated`` = 1 throughout; staggered-DiD estimators should drop it.
    * ``event_time`` = periods since the first-launch period (0 in it,
      negative before; for always-treated agencies counted from the true
      launch period); ``<NA>`` for never-treated agencies.
    * Agency-periods that start before the agency existed
      (``agencies.established_on``, e.g. Kecamatan Kranggan 2016-06-20) are
      left out: the period is kept only if the agency existed on its first day.
      Rows of a partial first period (e.g. Kranggan's 2016 in a yearly panel)
      are left out and counted in ``panel.attrs["notes"]``; rows dated before
      ``established_on`` raise :class:`DataValidationError`.
    * Readiness: for each agency the assessment closest before (or on) its
      first launch, else its first assessment (never-treated agencies: the
      first); a dimension's score is the mean of its rows (indicators).
    * Yearly panels sum ``count`` indicators over the year and average the
      others; the IKM pools the year's respondents.

    Examples
    --------
    >>> from innolab_analysis.data.study import load_study
    >>> panel = agency_panel(load_study("data/demo"))
    >>> row = panel.iloc[0]
    >>> row["agency_id"], int(row["period_index"]), int(row["cohort"]), int(row["treated"])
    ('bag_organisasi', 1, 16, 0)
    """
    _check_frequency(frequency)
    months = _MONTHS[frequency]
    outcomes = (outcomes,) if isinstance(outcomes, str) else tuple(outcomes)
    agencies = _require(study, "agencies", "for the list of agencies")
    innovations = _require(study, "innovations", "to build cohorts from launch dates")
    indicators = _get_table(study, "service_indicators")
    readiness = _get_table(study, "readiness")
    responses = None
    if "ikm" in outcomes:
        responses = _require(study, "skm_responses", "to compute the outcome 'ikm'")

    # ---- outcomes must exist ----------------------------------------------------------
    known = set() if indicators is None else set(indicators["indicator"].astype(str).unique())
    unknown = [o for o in outcomes if o != "ikm" and o not in known]
    if unknown:
        allowed = ", ".join(["ikm", *sorted(known)])
        raise DataValidationError(
            [
                Problem(
                    f"outcome {o!r} is neither 'ikm' nor a service indicator in the study; "
                    "check the spelling or add it to service_indicators",
                    column="outcomes",
                    allowed=allowed,
                )
                for o in unknown
            ],
            title=f"{len(unknown)} problem(s) in the outcomes of agency_panel",
        )

    # ---- calendar -------------------------------------------------------------------------
    resp_period = None
    if responses is not None:
        resp_period = period_start(_dates(responses, "survey_date"), frequency)
    ind_period = None
    if indicators is not None:
        ind_period = period_start(_dates(indicators, "period"), frequency)
    seen = [s for s in (resp_period, ind_period) if s is not None and s.notna().any()]
    if start is None:
        if not seen:
            raise InnolabError(
                "agency_panel cannot infer the first period: the study has no SKM responses or "
                "service indicators; pass start= and end="
            )
        start = min(s.min() for s in seen)
    if end is None:
        if not seen:
            raise InnolabError(
                "agency_panel cannot infer the last period: the study has no SKM responses or "
                "service indicators; pass end="
            )
        end = max(s.max() for s in seen)
    first, last = period_start(start, frequency), period_start(end, frequency)
    if pd.isna(first) or pd.isna(last):
        raise InnolabError(f"start and end must be dates, got start={start!r}, end={end!r}")
    if first > last:
        raise InnolabError(
            f"start ({first.date()}) is after end ({last.date()}); swap them or fix the dates"
        )
    periods = pd.date_range(first, last, freq=f"{months}MS")
    calendar = pd.DataFrame({"period": periods, "period_index": np.arange(1, len(periods) + 1)})

    # ---- agency × period grid, without periods before an agency existed --------------------
    ag = pd.DataFrame({"agency_id": agencies["agency_id"].astype(str)})
    ag["established_on"] = _dates(agencies, "established_on").to_numpy()
    grid = ag.merge(calendar, how="cross")
    exists = grid["established_on"].isna() | (grid["established_on"] <= grid["period"])
    problems: list[Problem] = []
    notes: list[str] = []
    established = ag.set_index("agency_id")["established_on"]
    for label, df, col, per in (
        ("skm_responses", responses, "survey_date", resp_period),
        ("service_indicators", indicators, "period", ind_period),
    ):
        if df is None:
            continue
        est = pd.to_datetime(df["agency_id"].astype(str).map(established))
        when = _dates(df, col)
        bad = np.flatnonzero((est > when).to_numpy(dtype=bool, na_value=False))
        if len(bad):
            problems.append(
                Problem(
                    f"{len(bad)} row(s) are dated before their agency existed "
                    "(agencies.established_on); fix the dates or the agency",
                    file=label,
                    column=col,
                    rows=tuple(int(i) + 2 for i in bad[:_SHOWN]),
                    values=tuple(str(df["agency_id"].iloc[i]) for i in bad[:_SHOWN]),
                )
            )
        partial = int(((est > per) & (est <= when)).to_numpy(dtype=bool, na_value=False).sum())
        if partial:
            notes.append(
                f"{partial} {label} row(s) left out: they fall in a period that began before "
                "their agency existed (only whole periods are kept)"
            )
    grid = grid[exists.to_numpy()].drop(columns="established_on").reset_index(drop=True)

    # ---- innovations: first launch, activity -------------------------------------------------
    inn = pd.DataFrame(
        {
            "agency_id": innovations["agency_id"].astype(str),
            "launched_on": _dates(innovations, "launched_on"),
            "discontinued_on": _dates(innovations, "discontinued_on"),
        }
    )
    wrong = np.flatnonzero(
        (inn["discontinued_on"].notna() & inn["launched_on"].notna()).to_numpy().astype(bool)
        & (inn["discontinued_on"] < inn["launched_on"]).to_numpy(dtype=bool, na_value=False)
    )
    if len(wrong):
        ids = innovations.get("innovation_id", innovations["agency_id"])
        problems.append(
            Problem(
                "discontinued_on is before launched_on; an innovation cannot stop before it starts",
                file="innovations",
                column="discontinued_on",
                rows=tuple(int(i) + 2 for i in wrong[:_SHOWN]),
                values=tuple(str(ids.iloc[i]) for i in wrong[:_SHOWN]),
            )
        )
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem(s) in agency_panel")

    launched = inn[inn["launched_on"].notna()]
    first_launch = launched.groupby("agency_id")["launched_on"].min()
    panel = grid.copy()
    panel["first_launch"] = panel["agency_id"].map(first_launch)
    launch_period = period_start(panel["first_launch"], frequency)
    # Position of the launch period on the calendar extended both ways (1 = first period).
    steps = (launch_period.dt.year - first.year) * (12 // months) + (
        (launch_period.dt.month - first.month) // months
    )
    launch_index = (steps + 1).astype("Int64")
    in_window = launch_index.notna() & (launch_index <= len(periods))
    always = (launch_index < 1).fillna(False).astype(bool)
    panel["cohort"] = np.where(in_window, launch_index.clip(lower=1).fillna(0), 0).astype(int)
    panel["treated"] = ((panel["cohort"] > 0) & (panel["period_index"] >= panel["cohort"])).astype(
        int
    )
    event = (panel["period_index"] - launch_index).astype("Int64")
    panel["event_time"] = event.where(in_window.to_numpy(dtype=bool), pd.NA)
    panel["always_treated"] = always.to_numpy()
    if require_comparison:
        why = comparison_problem(panel, frequency)
        if why is not None:
            raise EstimationError(why)

    p_end = panel["period"].map(lambda p: _shift(p, months) - pd.Timedelta(days=1))
    active = np.zeros(len(panel), dtype=int)
    for aid, rows in launched.groupby("agency_id"):
        mask = (panel["agency_id"] == aid).to_numpy()
        if not mask.any():
            continue
        p0 = panel.loc[mask, "period"].to_numpy()[:, None]
        p1 = p_end[mask].to_numpy()[:, None]
        lo = rows["launched_on"].to_numpy()[None, :]
        hi = rows["discontinued_on"].to_numpy()[None, :]
        on = (lo <= p1) & (pd.isna(hi) | (hi > p0))
        active[mask] = on.sum(axis=1)
    panel["active"] = (active > 0).astype(int)
    panel["n_active"] = active

    # ---- IKM ------------------------------------------------------------------------------------
    front = ["agency_id", "period", "period_index"]
    if responses is not None:
        from innolab_analysis.metrics.skm import skm_index

        items = [c for c in responses.columns if c in {f"u{i}" for i in range(1, 10)}]
        resp = responses[["agency_id", *items]].copy()
        resp["agency_id"] = resp["agency_id"].astype(str)
        resp["period"] = resp_period.to_numpy()
        resp = resp[(resp["period"] >= first) & (resp["period"] <= last)]
        if len(resp):
            ikm = skm_index(resp, by=["agency_id", "period"])
            ikm = ikm[["agency_id", "period", "ikm_unrounded", "n_respondents", "note"]].rename(
                columns={"ikm_unrounded": "ikm", "note": "ikm_note"}
            )
            ikm["agency_id"] = ikm["agency_id"].astype(str)
            ikm["period"] = pd.to_datetime(ikm["period"]).astype(panel["period"].dtype)
            panel = panel.merge(ikm, on=["agency_id", "period"], how="left")
        else:
            panel["ikm"] = np.nan
            panel["n_respondents"] = 0
            panel["ikm_note"] = None
        none = panel["n_respondents"].isna()
        panel["n_respondents"] = panel["n_respondents"].fillna(0).astype(int)
        panel["ikm_note"] = (
            panel["ikm_note"].astype(object).where(~none, "no SKM respondents in this period")
        )
        front += ["ikm", "n_respondents", "ikm_note"]

    # ---- service indicators ---------------------------------------------------------------------
    ind_cols: list[str] = []
    if indicators is not None and len(indicators):
        ind = pd.DataFrame(
            {
                "agency_id": indicators["agency_id"].astype(str),
                "period": ind_period.to_numpy(),
                "indicator": indicators["indicator"].astype(str),
                "value": pd.to_numeric(indicators["value"]),
                "unit": indicators["unit"].astype(str)
                if "unit" in indicators.columns
                else indicators["indicator"].map(SERVICE_INDICATORS).fillna(""),
            }
        )
        ind = ind[(ind["period"] >= first) & (ind["period"] <= last)]
        is_count = ind["unit"] == "count"
        summed = ind[is_count].groupby(["agency_id", "period", "indicator"])["value"].sum()
        meaned = ind[~is_count].groupby(["agency_id", "period", "indicator"])["value"].mean()
        wide = pd.concat([summed, meaned]).unstack("indicator").reset_index()
        wide["period"] = wide["period"].astype(panel["period"].dtype)
        names = [c for c in wide.columns if c not in ("agency_id", "period")]
        ind_cols = [c for c in SERVICE_INDICATORS if c in names] + sorted(
            c for c in names if c not in SERVICE_INDICATORS
        )
        panel = panel.merge(wide, on=["agency_id", "period"], how="left")

    # ---- readiness ------------------------------------------------------------------------------
    dim_cols: list[str] = []
    if readiness is not None and len(readiness):
        rd = pd.DataFrame(
            {
                "agency_id": readiness["agency_id"].astype(str),
                "assessed_on": _dates(readiness, "assessed_on"),
                "dimension": readiness["dimension"].astype(str),
                "score": pd.to_numeric(readiness["score"]),
            }
        )
        dates = rd[["agency_id", "assessed_on"]].drop_duplicates()
        dates["first_launch"] = dates["agency_id"].map(first_launch)
        before = dates[dates["assessed_on"] <= dates["first_launch"]]
        chosen = before.groupby("agency_id")["assessed_on"].max()
        firsts = dates.groupby("agency_id")["assessed_on"].min()
        chosen = chosen.combine_first(firsts).rename("readiness_assessed_on")
        rd = rd[rd["assessed_on"] == rd["agency_id"].map(chosen)]
        scores = rd.groupby(["agency_id", "dimension"])["score"].mean().unstack("dimension")
        dim_cols = list(scores.columns)
        scores = scores.join(chosen).reset_index()
        panel = panel.merge(scores, on="agency_id", how="left")
        dim_cols.append("readiness_assessed_on")

    missing = [o for o in outcomes if o != "ikm" and o not in panel.columns]
    if missing:  # indicator present only outside the window
        raise DataValidationError(
            [
                Problem(
                    f"outcome {o!r} has no values between {first.date()} and {last.date()}; "
                    "widen start/end",
                    column="outcomes",
                )
                for o in missing
            ],
            title=f"{len(missing)} problem(s) in the outcomes of agency_panel",
        )
    treat = ["first_launch", "cohort", "treated", "event_time"]
    treat += ["active", "n_active", "always_treated"]
    panel = panel[front + ind_cols + treat + dim_cols]
    panel = panel.sort_values(["agency_id", "period"], kind="stable").reset_index(drop=True)
    panel.columns.name = None
    panel.attrs["notes"] = notes
    return panel


def comparison_problem(panel: pd.DataFrame, frequency: Frequency = "semester") -> str | None:
    """Why a panel offers no comparison for an impact design, and what would make one; else None.

    Parameters
    ----------
    panel : DataFrame
        From :func:`agency_panel` (``agency_id``, ``period``, ``cohort``,
        ``always_treated``, ``first_launch``).
    frequency : {"semester", "year"}
        For the period labels of the message.

    Examples
    --------
    >>> p = pd.DataFrame({"agency_id": ["A", "A"], "period": pd.to_datetime(["2019-01-01",
    ...     "2019-07-01"]), "cohort": [2, 2], "always_treated": [False, False],
    ...     "first_launch": pd.to_datetime(["2019-08-01"] * 2)})
    >>> print(comparison_problem(p))
    no comparison group: the panel has one agency only (A); a comparison needs other agencies observed over the same periods — agencies that never innovated, or innovated later — so add them (agencies and their SKM responses or indicators), or study A alone with an interrupted time series (agency_panel(..., require_comparison=False))
    """
    from innolab_analysis.l10n import period as label

    agencies = panel.drop_duplicates("agency_id")
    if agencies.empty:
        return None
    if len(agencies) == 1:
        only = agencies["agency_id"].iloc[0]
        return (
            f"no comparison group: the panel has one agency only ({only}); a comparison needs "
            "other agencies observed over the same periods — agencies that never innovated, or "
            "innovated later — so add them (agencies and their SKM responses or indicators), or "
            f"study {only} alone with an interrupted time series "
            "(agency_panel(..., require_comparison=False))"
        )
    launched = agencies[agencies["first_launch"].notna()]
    first = label(panel["period"].min(), frequency)
    if len(launched) and launched["always_treated"].all():
        earliest = pd.Timestamp(launched["first_launch"].min()).date()
        latest = pd.Timestamp(launched["first_launch"].max()).date()
        return (
            f"always treated: every innovation was launched before the first period of the data "
            f"({first}; launches from {earliest} to {latest}), so no agency has a period before "
            "its innovation and no effect can be estimated; add SKM responses or indicators from "
            f"before {earliest}, or study innovations launched after {first}"
        )
    inside = agencies[~agencies["always_treated"]]
    cohorts = set(inside["cohort"])
    if len(cohorts) == 1 and 0 not in cohorts:
        when = label(
            inside["first_launch"].map(lambda d: period_start(d, frequency)).iloc[0], frequency
        )
        return (
            f"no comparison group: all {len(inside)} agencies launched their first innovation in "
            f"the same period ({when}) and none stayed without one, so after {when} nothing "
            "untreated is left to compare with; a comparison needs agencies that never innovated "
            "or innovated later: add them (with their SKM responses or indicators), or study "
            "each agency with an interrupted time series"
        )
    return None
