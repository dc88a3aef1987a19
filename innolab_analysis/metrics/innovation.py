"""Innovation metrics: One Agency One Innovation coverage, flow and stock, funnels, mix, speed, survival.

Inputs are the ``innovations`` and ``agencies`` tables declared in
:mod:`innolab_analysis.data.tables`. Dates may be strings or datetimes; they
are parsed here without changing the caller's frames.

Activity rule (used throughout): an innovation is *active in year Y* when it
was launched (``launched_on``, start of *penerapan*) on or before 31 December
of Y and not discontinued before 1 January of Y; it is *active at the end of
Y* when launched by 31 December and not discontinued on or before that day.
Innovations never launched (inisiatif / uji coba) count in the funnels and the
mix, not in coverage, flow or stock.

Every function refuses, with a :class:`~innolab_analysis.errors.DataValidationError`
that says which file to add, a table that is missing (``None``: the study has no
``innovations.csv``, or it disappeared) or has no rows. Notes in the result
tables are catalog messages (``metrics_innovation.yaml``), in English for the
analyst.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.data.tables import IID_STAGES, LABINOV_STAGES
from innolab_analysis.errors import DataValidationError, InnolabError, ParamsError, Problem
from innolab_analysis.metrics._checks import check_frame, check_number, check_rows
from innolab_analysis.metrics.standards import check_option
from innolab_analysis.options import FlowBy, FunnelScheme, MixDimension

__all__ = [
    "FunnelScheme",
    "agencies_without_innovation",
    "innovation_coverage",
    "innovation_flow",
    "innovation_funnel",
    "innovation_mix",
    "innovation_survival",
    "innovations_per_agency",
    "time_to_launch",
]


_NEEDS = {
    "innovations": "at least one innovation (a row of innovations.csv)",
    "agencies": "at least one unit (a row of agencies.csv)",
}
_DATE_COLS = ("proposed_on", "trial_on", "launched_on", "discontinued_on", "established_on")
_MAX_SHOWN = 10


def _need(df: pd.DataFrame, table: str, cols: Iterable[str]) -> None:
    """A non-empty DataFrame with the columns ``cols`` (the study's ``table``)."""
    check_frame(df, table)
    check_rows(df, table, _NEEDS[table])
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    f"column(s) {missing} missing from the {table} table",
                    column=", ".join(missing),
                    allowed=str(list(df.columns)),
                )
            ],
            title=f"1 problem(s) in the {table} table",
        )


def _note(key: str, **values) -> str:
    """A note of a result table (English, for the analyst), from the catalog."""
    return l10n.tr(f"metrics_innovation.note.{key}", "en", markdown=False, **values)


def _whole(x: float) -> int | float:
    """``3.0`` as ``3`` (a whole number of years reads without decimals)."""
    return int(x) if float(x).is_integer() else x


def _dates(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """A copy with the date columns parsed; unparseable dates are reported, all at once."""
    out = df.copy()
    problems = []
    for c in _DATE_COLS:
        if c not in out.columns:
            continue
        parsed = pd.to_datetime(out[c], errors="coerce", format="ISO8601")
        bad = (out[c].notna() & parsed.isna()).to_numpy()
        if bad.any():
            pos = np.flatnonzero(bad)[:_MAX_SHOWN]
            problems.append(
                Problem(
                    "value(s) that are not dates",
                    column=c,
                    rows=tuple(int(p) + 2 for p in pos),
                    values=tuple(out[c].to_numpy()[pos].tolist()),
                    allowed="ISO dates YYYY-MM-DD or blank",
                )
            )
        out[c] = parsed
    if problems:
        raise DataValidationError(
            problems, title=f"{len(problems)} problem(s) in the {table} table"
        )
    return out


def _check_agencies(innovations: pd.DataFrame, agencies: pd.DataFrame) -> None:
    known = set(agencies["agency_id"])
    unknown = ~innovations["agency_id"].isin(known).to_numpy()
    if unknown.any():
        pos = np.flatnonzero(unknown)[:_MAX_SHOWN]
        raise DataValidationError(
            [
                Problem(
                    "agency_id not found in the agencies table",
                    column="agency_id",
                    rows=tuple(int(p) + 2 for p in pos),
                    values=tuple(innovations["agency_id"].to_numpy()[pos].tolist()),
                    allowed="an agency_id of the agencies table",
                )
            ],
            title="1 problem(s) in the innovations table",
        )


def _year_range(years: Iterable[int] | None, *series: pd.Series) -> list[int]:
    if years is not None:
        if isinstance(years, (str, bytes)) or not isinstance(years, Iterable):
            raise ParamsError(
                f"years must be a list of years such as range(2018, 2025), got {years!r}"
            )
        ys = list(years)
        if not ys:
            raise InnolabError("years is empty; pass e.g. range(2018, 2025) or None for all years")
        bad = [y for y in ys if isinstance(y, bool) or not isinstance(y, (int, np.integer))]
        if bad:
            raise ParamsError(f"years must be whole years such as 2019, got {bad[:_MAX_SHOWN]}")
        return [int(y) for y in ys]
    stamps = (
        pd.concat([s.dropna() for s in series]) if series else pd.Series([], dtype="datetime64[ns]")
    )
    if stamps.empty:
        raise InnolabError("no launched innovation to take the years from; pass years= explicitly")
    return list(range(int(stamps.dt.year.min()), int(stamps.dt.year.max()) + 1))


def _active_in_year(inn: pd.DataFrame, year: int) -> np.ndarray:
    start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
    launched = inn["launched_on"]
    disc = inn["discontinued_on"]
    return (launched.notna() & (launched <= end) & (disc.isna() | (disc >= start))).to_numpy()


def _existing_in_year(ag: pd.DataFrame, year: int) -> np.ndarray:
    if "established_on" not in ag.columns:
        return np.ones(len(ag), dtype=bool)
    est = ag["established_on"]
    return (est.isna() | (est <= pd.Timestamp(year, 12, 31))).to_numpy()


def innovation_coverage(
    innovations: pd.DataFrame,
    agencies: pd.DataFrame,
    *,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """One Agency One Innovation coverage: the share of units with at least one active innovation, per year.

    A unit counts in year Y when it exists that year (``established_on`` blank
    or on/before 31 December Y) and has at least one innovation launched on or
    before 31 December Y and not discontinued before 1 January Y.

    Parameters
    ----------
    innovations, agencies : DataFrame
        The study tables (see :mod:`innolab_analysis.data.tables`).
    years : iterable of int, optional
        Years to report; default from the first to the last launch year.

    Returns
    -------
    DataFrame
        ``year``, ``n_agencies``, ``n_with_innovation``, ``share`` (0–1) and
        ``agencies_without`` (tuple of agency_ids, sorted).

    Raises
    ------
    DataValidationError
        Missing columns, unparseable dates, innovations of unknown units.

    Examples
    --------
    >>> ag = pd.DataFrame({"agency_id": ["a", "b"]})
    >>> inn = pd.DataFrame({"agency_id": ["a"], "launched_on": ["2019-05-01"], "discontinued_on": [None]})
    >>> innovation_coverage(inn, ag)[["year", "share", "agencies_without"]].to_numpy().tolist()
    [[2019, 0.5, ('b',)]]
    """
    _need(innovations, "innovations", ["agency_id", "launched_on", "discontinued_on"])
    _need(agencies, "agencies", ["agency_id"])
    inn = _dates(innovations, "innovations")
    ag = _dates(agencies, "agencies")
    _check_agencies(inn, ag)
    ys = _year_range(years, inn["launched_on"])
    records = []
    for y in ys:
        exists = _existing_in_year(ag, y)
        ids = ag["agency_id"].to_numpy()[exists]
        with_inn = set(inn["agency_id"].to_numpy()[_active_in_year(inn, y)]) & set(ids)
        without = tuple(sorted(str(a) for a in ids if a not in with_inn))
        n = len(ids)
        records.append(
            {
                "year": y,
                "n_agencies": n,
                "n_with_innovation": len(with_inn),
                "share": len(with_inn) / n if n else np.nan,
                "agencies_without": without,
            }
        )
    out = pd.DataFrame.from_records(records)
    if (out["n_agencies"] == 0).any():
        empty = out.loc[out["n_agencies"] == 0, "year"].tolist()
        raise InnolabError(
            f"no unit existed in year(s) {empty}; the coverage share is undefined there"
        )
    return out


def agencies_without_innovation(
    innovations: pd.DataFrame, agencies: pd.DataFrame, year: int
) -> pd.DataFrame:
    """The units existing in ``year`` with no innovation active that year (rows of ``agencies``).

    Examples
    --------
    >>> ag = pd.DataFrame({"agency_id": ["a", "b"], "name": ["Dinas A", "Dinas B"]})
    >>> inn = pd.DataFrame({"agency_id": ["a"], "launched_on": ["2019-05-01"], "discontinued_on": [None]})
    >>> agencies_without_innovation(inn, ag, 2019)["name"].tolist()
    ['Dinas B']
    """
    cov = innovation_coverage(innovations, agencies, years=[year])
    missing = set(cov["agencies_without"].iloc[0])
    return agencies[agencies["agency_id"].astype(str).isin(missing)].reset_index(drop=True)


def innovations_per_agency(
    innovations: pd.DataFrame, agencies: pd.DataFrame, *, as_of: str | pd.Timestamp | None = None
) -> pd.DataFrame:
    """Innovations per unit: total recorded, launched and active at ``as_of``.

    Parameters
    ----------
    innovations, agencies : DataFrame
    as_of : date, optional
        Reference date for ``n_active`` (default: today is *not* used; the
        latest date in the innovations table is).

    Returns
    -------
    DataFrame
        ``agency_id``, ``n_innovations``, ``n_launched``, ``n_active``; every
        unit of ``agencies`` appears (zeros included), sorted by ``n_active``
        then ``agency_id``.

    Examples
    --------
    >>> ag = pd.DataFrame({"agency_id": ["a", "b"]})
    >>> inn = pd.DataFrame({"agency_id": ["a", "a"], "launched_on": ["2019-05-01", None],
    ...                     "discontinued_on": [None, None]})
    >>> innovations_per_agency(inn, ag, as_of="2020-01-01").to_numpy().tolist()
    [['a', 2, 1, 1], ['b', 0, 0, 0]]
    """
    _need(innovations, "innovations", ["agency_id", "launched_on", "discontinued_on"])
    _need(agencies, "agencies", ["agency_id"])
    inn = _dates(innovations, "innovations")
    _check_agencies(inn, agencies)
    ref = _as_of(as_of, inn)
    launched = inn["launched_on"].notna() & (inn["launched_on"] <= ref)
    active = launched & (inn["discontinued_on"].isna() | (inn["discontinued_on"] > ref))
    frame = pd.DataFrame(
        {
            "agency_id": inn["agency_id"],
            "n_innovations": 1,
            "n_launched": launched,
            "n_active": active,
        }
    )
    counts = frame.groupby("agency_id").sum()
    out = (
        pd.DataFrame({"agency_id": agencies["agency_id"]})
        .merge(counts, left_on="agency_id", right_index=True, how="left")
        .fillna(0)
    )
    for c in ("n_innovations", "n_launched", "n_active"):
        out[c] = out[c].astype(np.int64)
    out = out.sort_values(["n_active", "agency_id"], ascending=[False, True])
    return out.reset_index(drop=True)


def _as_of(as_of, inn: pd.DataFrame) -> pd.Timestamp:
    if as_of is not None:
        ts = pd.to_datetime(as_of, errors="coerce")
        if pd.isna(ts):
            raise InnolabError(f"as_of must be a date (YYYY-MM-DD), got {as_of!r}")
        return pd.Timestamp(ts)
    cols = [
        c for c in ("proposed_on", "trial_on", "launched_on", "discontinued_on") if c in inn.columns
    ]
    latest = pd.concat([inn[c] for c in cols]).max() if cols else pd.NaT
    if pd.isna(latest):
        raise InnolabError(
            "no date in the innovations table to take as_of from; pass as_of= explicitly"
        )
    return pd.Timestamp(latest)


def innovation_flow(
    innovations: pd.DataFrame, *, years: Iterable[int] | None = None
) -> pd.DataFrame:
    """Flow and stock of innovations per year.

    Returns
    -------
    DataFrame
        ``year``, ``launched`` (flow: launched during the year), ``discontinued``
        (stopped during the year), ``active_end`` (stock at 31 December) and
        ``active_during`` (active at any time of the year).

    Examples
    --------
    >>> inn = pd.DataFrame({"launched_on": ["2018-03-01", "2019-06-01"],
    ...                     "discontinued_on": ["2019-12-31", None]})
    >>> innovation_flow(inn)[["year", "launched", "active_end"]].to_numpy().tolist()
    [[2018, 1, 1], [2019, 1, 1]]
    """
    _need(innovations, "innovations", ["launched_on", "discontinued_on"])
    inn = _dates(innovations, "innovations")
    ys = _year_range(years, inn["launched_on"])
    lyear = inn["launched_on"].dt.year
    dyear = inn["discontinued_on"].dt.year
    records = []
    for y in ys:
        end = pd.Timestamp(y, 12, 31)
        active_end = (
            inn["launched_on"].notna()
            & (inn["launched_on"] <= end)
            & (inn["discontinued_on"].isna() | (inn["discontinued_on"] > end))
        )
        records.append(
            {
                "year": y,
                "launched": int((lyear == y).sum()),
                "discontinued": int(((dyear == y) & inn["launched_on"].notna()).sum()),
                "active_end": int(active_end.sum()),
                "active_during": int(_active_in_year(inn, y).sum()),
            }
        )
    return pd.DataFrame.from_records(records)


def innovation_funnel(
    innovations: pd.DataFrame,
    *,
    scheme: FunnelScheme = "iid",
    by: str | None = None,
) -> pd.DataFrame:
    """How many innovations reached each stage (a later stage implies the earlier ones).

    Parameters
    ----------
    innovations : DataFrame
    scheme : {"iid", "labinov"}
        ``"iid"``: *inisiatif → uji_coba → penerapan* (column ``iid_stage``);
        ``"labinov"``: LAN's 5D *drum_up → diagnose → design → deliver →
        display* (column ``labinov_stage``; innovations outside the
        Laboratorium Inovasi — blank stage — are not counted).
    by : str, optional
        A grouping column (e.g. ``"agency_id"``).

    Returns
    -------
    DataFrame
        (``by``), ``scheme``, ``stage``, ``step`` (1 = first), ``n_reached``,
        ``share_of_entered`` (of those at the first stage) and ``conversion``
        (of those reaching the previous stage; 1 at the first stage) and
        ``note`` (why a share is missing: nobody reached the previous stage, or
        no innovation has a stage in this scheme — then every count is 0).

    Raises
    ------
    DataValidationError
        Stage values outside the scheme (all listed).

    Examples
    --------
    >>> inn = pd.DataFrame({"iid_stage": ["penerapan", "uji_coba", "inisiatif", "penerapan"]})
    >>> innovation_funnel(inn)[["stage", "n_reached"]].to_numpy().tolist()
    [['inisiatif', 4], ['uji_coba', 3], ['penerapan', 2]]
    """
    check_option("scheme", scheme, FunnelScheme)
    col, stages = (
        ("iid_stage", IID_STAGES) if scheme == "iid" else ("labinov_stage", LABINOV_STAGES)
    )
    _need(innovations, "innovations", [col] + ([by] if by else []))
    s = innovations[col].astype(object)  # categorical stages compare by position below
    bad = (s.notna() & ~s.isin(stages)).to_numpy().copy()
    if scheme == "iid":
        bad |= s.isna().to_numpy()
    if bad.any():
        pos = np.flatnonzero(bad)[:_MAX_SHOWN]
        raise DataValidationError(
            [
                Problem(
                    f"{int(bad.sum())} unknown stage value(s)",
                    column=col,
                    rows=tuple(int(p) + 2 for p in pos),
                    values=tuple(None if pd.isna(v) else v for v in s.to_numpy()[pos].tolist()),
                    allowed=", ".join(stages),
                )
            ],
            title="1 problem(s) in the innovations table",
        )
    pos_of = {st: i for i, st in enumerate(stages)}
    step = s.map(pos_of).astype(float)
    frame = pd.DataFrame({"_step": step, "_g": innovations[by] if by else 0}).dropna(
        subset=["_step"]
    )
    records = []
    groups = list(frame.groupby("_g", sort=True)) if len(frame) or by else [(0, frame)]
    for g, part in groups:
        reached = [int((part["_step"] >= i).sum()) for i in range(len(stages))]
        for i, st in enumerate(stages):
            rec = {} if by is None else {by: g}
            note = None
            if reached[0] == 0:
                share = conv = np.nan
                note = _note("no_stage", column=col)
            else:
                share = reached[i] / reached[0]
                conv = (
                    1.0 if i == 0 else (reached[i] / reached[i - 1] if reached[i - 1] else np.nan)
                )
                if np.isnan(conv):
                    note = _note("no_conversion")
            rec.update(
                scheme=scheme, stage=st, step=i + 1, n_reached=reached[i],
                share_of_entered=share, conversion=conv, note=note,
            )  # fmt: skip
            records.append(rec)
    cols = ([by] if by else []) + [
        "scheme", "stage", "step", "n_reached", "share_of_entered", "conversion", "note",
    ]  # fmt: skip
    out = pd.DataFrame.from_records(records, columns=cols)
    out["note"] = out["note"].astype("str")
    return out


def innovation_mix(
    innovations: pd.DataFrame,
    *,
    dimensions: Sequence[MixDimension] = ("origin", "form", "digital"),
) -> pd.DataFrame:
    """The mix of innovations by origin, form and digital/non-digital.

    Returns
    -------
    DataFrame
        Long format: ``dimension``, ``value`` (as text), ``n``, ``share`` (within
        the dimension, blanks excluded from the denominator and reported as
        value ``"(blank)"`` when present).

    Examples
    --------
    >>> inn = pd.DataFrame({"origin": ["original", "adaptation", "original"],
    ...                     "form": ["pelayanan_publik"] * 3, "digital": [True, False, True]})
    >>> innovation_mix(inn, dimensions=["origin"])[["value", "n"]].to_numpy().tolist()
    [['original', 2], ['adaptation', 1]]
    """
    for d in dimensions:
        check_option("dimension", d, MixDimension)
    _need(innovations, "innovations", dimensions)
    records = []
    for d in dimensions:
        s = innovations[d]
        counts = s.dropna().astype(str).value_counts(sort=False)
        total = int(counts.sum())
        ordered = counts.sort_values(ascending=False, kind="stable")
        for value, n in ordered.items():
            records.append({"dimension": d, "value": value, "n": int(n), "share": n / total})
        n_blank = int(s.isna().sum())
        if n_blank:
            records.append({"dimension": d, "value": "(blank)", "n": n_blank, "share": np.nan})
    return pd.DataFrame.from_records(records, columns=["dimension", "value", "n", "share"])


def time_to_launch(
    innovations: pd.DataFrame, *, by: FlowBy | None = "proposal_year"
) -> pd.DataFrame:
    """Days from proposal (``proposed_on``) to penerapan (``launched_on``).

    Parameters
    ----------
    innovations : DataFrame
    by : {"proposal_year"} or None
        One row per year of proposal, or one row overall.

    Returns
    -------
    DataFrame
        (``proposal_year``), ``n_proposed``, ``n_launched``, ``median_days``,
        ``q1_days``, ``q3_days``, ``iqr_days``, ``min_days``, ``max_days``.
        Innovations not (yet) launched count in ``n_proposed`` only; a year
        without launches has NaN days and a ``note``.

    Raises
    ------
    DataValidationError
        A launch before the proposal.

    Examples
    --------
    >>> inn = pd.DataFrame({"proposed_on": ["2019-01-01", "2019-01-01"],
    ...                     "launched_on": ["2019-01-11", "2019-01-31"]})
    >>> t = time_to_launch(inn)
    >>> int(t["proposal_year"].iloc[0]), float(t["median_days"].iloc[0])
    (2019, 20.0)
    """
    if by is not None:
        check_option("by", by, FlowBy)
    _need(innovations, "innovations", ["proposed_on", "launched_on"])
    inn = _dates(innovations, "innovations")
    days = (inn["launched_on"] - inn["proposed_on"]).dt.days
    neg = (days < 0).to_numpy()
    if neg.any():
        pos = np.flatnonzero(neg)[:_MAX_SHOWN]
        raise DataValidationError(
            [
                Problem(
                    f"{int(neg.sum())} innovation(s) launched before they were proposed; fix the dates",
                    column="launched_on",
                    rows=tuple(int(p) + 2 for p in pos),
                    values=tuple(str(inn["launched_on"].iloc[p].date()) for p in pos),
                    allowed="launched_on on or after proposed_on",
                )
            ],
            title="1 problem(s) in the innovations table",
        )
    if inn["proposed_on"].isna().all():
        raise DataValidationError(
            [
                Problem(
                    f"no innovation has a proposal date (all {len(inn)} blank); the time to "
                    "launch is counted from proposed_on",
                    column="proposed_on",
                    allowed="ISO dates YYYY-MM-DD",
                )
            ],
            title="1 problem(s) in the innovations table",
        )
    frame = pd.DataFrame({"proposal_year": inn["proposed_on"].dt.year, "days": days})
    groups = frame.groupby("proposal_year", sort=True) if by else [(None, frame)]
    records = []
    for y, part in groups:
        d = part["days"].dropna().to_numpy(dtype=float)
        rec = {} if by is None else {"proposal_year": int(y)}
        if len(d):
            q1, med, q3 = np.quantile(d, [0.25, 0.5, 0.75])
            rec.update(
                n_proposed=len(part),
                n_launched=len(d),
                median_days=med,
                q1_days=q1,
                q3_days=q3,
                iqr_days=q3 - q1,
                min_days=d.min(),
                max_days=d.max(),
                note=None,
            )
        else:
            rec.update(
                n_proposed=len(part),
                n_launched=0,
                median_days=np.nan,
                q1_days=np.nan,
                q3_days=np.nan,
                iqr_days=np.nan,
                min_days=np.nan,
                max_days=np.nan,
                note=_note("not_launched"),
            )
        records.append(rec)
    out = pd.DataFrame.from_records(records)
    out["note"] = out["note"].astype("str")
    return out


def _horizons(horizons: object) -> list[float]:
    """Years after launch: a non-empty list of finite numbers >= 0."""
    if isinstance(horizons, (str, bytes)) or not isinstance(horizons, Iterable):
        raise ParamsError(f"horizons must be a list of years such as [1, 3, 5], got {horizons!r}")
    hs = list(horizons)
    if not hs:
        raise ParamsError(
            "horizons is empty; pass the years after launch to report, e.g. [1, 3, 5]"
        )
    return [check_number(h, "horizons", minimum=0) for h in hs]


def innovation_survival(
    innovations: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp,
    horizons: Sequence[float] = (1, 2, 3, 5),
) -> pd.DataFrame:
    """Share of launched innovations still active k years after launch (Kaplan–Meier).

    Follow-up runs from ``launched_on`` to ``discontinued_on`` (an event) or to
    ``as_of`` (right-censored). Innovations launched after ``as_of`` and those
    never launched are left out. Time is in years of 365.25 days.

    Parameters
    ----------
    innovations : DataFrame
    as_of : date
        Censoring date (the date the data were collected).
    horizons : sequence of float
        Years after launch to report.

    Returns
    -------
    DataFrame
        ``years``, ``survival`` (Kaplan–Meier), ``std_error`` (Greenwood),
        ``n_at_risk`` (still followed just before k years), ``n_events``
        (discontinuations up to k years) and ``note`` (why a value is missing:
        no innovation followed that long).

    Examples
    --------
    >>> inn = pd.DataFrame({"launched_on": ["2018-01-01", "2018-01-01"],
    ...                     "discontinued_on": ["2018-07-01", None]})
    >>> innovation_survival(inn, as_of="2021-01-01", horizons=[1, 2])["survival"].tolist()
    [0.5, 0.5]
    """
    _need(innovations, "innovations", ["launched_on", "discontinued_on"])
    hs = _horizons(horizons)
    inn = _dates(innovations, "innovations")
    ref = _as_of(as_of, inn)
    launched = inn["launched_on"]
    keep = launched.notna() & (launched <= ref)
    lau = launched[keep]
    disc = inn["discontinued_on"][keep]
    event = (disc.notna() & (disc <= ref)).to_numpy()
    end = disc.where(event, ref)
    t = ((end - lau).dt.days / 365.25).to_numpy(dtype=float)
    if (t < 0).any():
        pos = np.flatnonzero(t < 0)[:_MAX_SHOWN]
        raise DataValidationError(
            [
                Problem(
                    "innovation(s) discontinued before launch; fix the dates",
                    column="discontinued_on",
                    rows=tuple(int(inn.index.get_loc(lau.index[p])) + 2 for p in pos),
                    allowed="discontinued_on on or after launched_on",
                )
            ],
            title="1 problem(s) in the innovations table",
        )
    if len(t) == 0:
        raise InnolabError(
            f"no innovation launched on or before as_of={ref.date()}; survival is undefined"
        )
    event_times = np.unique(t[event])
    var_sum, s = 0.0, 1.0
    curve = []
    for u in event_times:
        n_risk = int((t >= u).sum())
        d = int(((t == u) & event).sum())
        s *= 1 - d / n_risk
        if n_risk > d:
            var_sum += d / (n_risk * (n_risk - d))
        else:
            var_sum = np.inf
        curve.append((u, s, var_sum))
    max_follow = t.max()
    records = []
    for h in hs:
        past = [c for c in curve if c[0] <= h]
        s_h, v = (past[-1][1], past[-1][2]) if past else (1.0, 0.0)
        n_risk = int((t >= h).sum())
        n_events = int((event & (t <= h)).sum())
        note = None
        if h > max_follow and s_h > 0:
            s_h, se = np.nan, np.nan
            note = _note("not_followed", horizon=_whole(h), longest=max_follow)
        else:
            se = s_h * np.sqrt(v) if np.isfinite(v) else 0.0
        records.append(
            {
                "years": h,
                "survival": s_h,
                "std_error": se,
                "n_at_risk": n_risk,
                "n_events": n_events,
                "note": note,
            }
        )
    out = pd.DataFrame.from_records(records)
    out["note"] = out["note"].astype("str")
    return out
