"""Plain-language diagnostics, the reading of a headline effect, and the input checks of the estimators.

Three kinds of helpers live here:

* **Diagnostics** (functions returning a :class:`Diagnostic` or ``None``):
  findings an analyst must read before trusting a number — too few clusters,
  too few pre-periods, a poor pre-treatment fit, forbidden TWFE comparisons,
  estimators that disagree … Every sentence is a catalog message
  (``l10n/messages/estimators_diagnostics.yaml``); none names a column or a
  code. Thresholds are rules of thumb from the methods literature, not laws;
  each is a keyword argument so a study can change it.
* **The reading** of a headline effect (:func:`plain_effect`,
  :func:`headline_text`): number, interval, what the interval says, caveat.
* **Input checks** (raise :class:`~innolab_analysis.errors.DataValidationError`
  or :class:`~innolab_analysis.errors.ParamsError`): the confidence level
  (:func:`check_level`), empty tables (:func:`require_rows`), rows without a
  usable value (:func:`drop_missing` drops them with a diagnostic saying how
  many, :func:`require_finite` refuses them), missing columns, non-0/1
  indicators, duplicate unit-period rows, constant outcomes. They list every
  problem at once with spreadsheet row numbers (header = row 1, first data row
  = row 2, counted in the caller's table even after rows were dropped).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, Problem, check_level
from innolab_analysis.estimators._result import Diagnostic

__all__ = [
    "MAX_ROWS_SHOWN",
    "SOURCE_ROW",
    "check_level",
    "check_nonconstant",
    "close_interventions",
    "drop_missing",
    "estimators_disagree",
    "few_clusters",
    "few_pre_periods",
    "few_treated",
    "forbidden_comparisons",
    "headline_text",
    "message",
    "negative_weights",
    "no_counterfactual",
    "period_text",
    "plain_effect",
    "poor_pre_fit",
    "pretrend_rejected",
    "require_binary",
    "require_columns",
    "require_finite",
    "require_numeric",
    "require_rows",
    "require_unique",
    "rows_dropped",
    "sentences",
    "small_groups",
    "treatment_switches_off",
]

MAX_ROWS_SHOWN = 5
"""Offending rows named in an input-check message."""

SOURCE_ROW = "source_row"
"""Index name of a frame returned by :func:`drop_missing`: the row's position in the caller's table."""

_DOMAIN = "estimators_diagnostics"


# ----------------------------------------------------------------------------- text building blocks
def message(key: str, /, **values: Any) -> l10n.Bilingual:
    """The catalog message ``key`` (``"<domain>.<id>"``, or an id of this module's domain) in both languages.

    Examples
    --------
    >>> message("ci_excludes_zero").en
    'The confidence interval excludes zero, so this change is unlikely to be chance alone.'
    """
    return l10n.bilingual(key if "." in key else f"{_DOMAIN}.{key}", **values)


def sentences(*parts: l10n.Bilingual | None) -> l10n.Bilingual:
    """Rendered sentences joined by a space in each language (``None`` parts are skipped).

    Examples
    --------
    >>> print(sentences(message("ci_missing"), None, message("direction_note")).en.split(". ")[-1])
    Whether this is better service depends on the indicator's direction (a higher IKM is better; fewer processing days is better).
    """
    kept = [p for p in parts if p is not None and p.en]
    return l10n.Bilingual.build(lambda lang: l10n.Safe(" ".join(p[lang] for p in kept)))


def period_text(value: Any) -> Any:
    """A period value as a reader reads it: a date in the language (``19 Desember 2017``), else the number.

    The result is a catalog placeholder value (a :class:`~innolab_analysis.l10n.Bilingual`
    for dates, an ``int`` for whole numbers).

    Examples
    --------
    >>> period_text(pd.Timestamp("2017-12-19")).id, period_text(2019.0)
    ('19 Desember 2017', 2019)
    """
    if isinstance(value, pd.Timestamp | np.datetime64) or (
        isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-"
    ):
        ts = pd.Timestamp(value)
        return l10n.Bilingual.build(lambda lang: l10n.date(ts, lang))
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _diag(code: str, severity: str, key: str, **values: Any) -> Diagnostic:
    return Diagnostic(code, severity, message(key, **values))


# ----------------------------------------------------------------------------- diagnostics
def few_clusters(
    n_clusters: int, *, of_units: bool, threshold: int = 30, remedy: str = "wild"
) -> Diagnostic | None:
    """Warn when cluster-robust inference rests on fewer than ``threshold`` clusters.

    Cameron & Miller (2015) put the comfort zone for CR1 at roughly 30–50 clusters;
    below it the standard errors are too small and the tests reject too often.
    ``of_units`` says the clusters are the panel's units (else: a grouping the
    caller chose, named by no column); ``remedy`` is ``"wild"`` (wild cluster
    bootstrap) or ``"bootstrap"`` (multiplier bootstrap).

    Examples
    --------
    >>> print(few_clusters(12, of_units=True).message.en)  # doctest: +NORMALIZE_WHITESPACE
    The standard errors rest on only 12 units, the clusters of the standard errors. With fewer
    than 30 clusters, clustered standard errors tend to be too small, so the effect looks more
    certain than it is. Use the wild cluster bootstrap and read the confidence interval with care.
    """
    if n_clusters >= threshold:
        return None
    head = "few_clusters_units" if of_units else "few_clusters"
    text = sentences(
        message(head, count=n_clusters),
        message("few_clusters_why", threshold=threshold),
        message(f"remedy_{remedy}"),
    )
    return Diagnostic("few_clusters", "warning", text)


def few_pre_periods(
    n_pre: int, *, threshold: int = 8, event_times: bool = False
) -> Diagnostic | None:
    """Warn when fewer than ``threshold`` pre-intervention periods (or pre-adoption event times) are available."""
    if n_pre >= threshold:
        return None
    key = "few_pre_event_times" if event_times else "few_pre_periods"
    return _diag("few_pre_periods", "warning", key, count=n_pre, threshold=threshold)


def few_treated(n_treated: int, *, threshold: int = 5) -> Diagnostic | None:
    """Warn when the treated group has fewer than ``threshold`` units."""
    if n_treated >= threshold:
        return None
    return _diag("few_treated", "warning", "few_treated", count=n_treated)


def poor_pre_fit(
    pre_rmspe: float, outcome_sd: float, *, threshold: float = 0.5
) -> Diagnostic | None:
    """Warn when the pre-period fit error exceeds ``threshold`` × the outcome's standard deviation."""
    if not (np.isfinite(pre_rmspe) and np.isfinite(outcome_sd)) or outcome_sd <= 0:
        return None
    ratio = pre_rmspe / outcome_sd
    if ratio <= threshold:
        return None
    return _diag("poor_pre_fit", "warning", "poor_pre_fit", rmspe=pre_rmspe, ratio=ratio)


def no_counterfactual() -> Diagnostic:
    """Before/after comparisons have no control group: say so every time."""
    return _diag("no_counterfactual", "warning", "no_counterfactual")


def forbidden_comparisons(weight: float, *, threshold: float = 0.0) -> Diagnostic | None:
    """Flag the TWFE weight on 'later vs earlier treated' comparisons (already-treated controls)."""
    if weight <= threshold:
        return None
    severity = "warning" if weight >= 0.1 else "info"
    return _diag("forbidden_comparisons", severity, "forbidden_comparisons", share=weight)


def negative_weights(n_negative: int, n_cells: int, total: float) -> Diagnostic | None:
    """Flag treated unit-periods that TWFE weights negatively (de Chaisemartin & D'Haultfœuille 2020)."""
    if n_negative == 0:
        return None
    return _diag(
        "negative_weights", "warning", "negative_weights", count=n_negative, cells=n_cells,
        total=total,
    )  # fmt: skip


def treatment_switches_off(n_units: int) -> Diagnostic | None:
    """TWFE assumes nothing about timing, but switching treatments change what it estimates."""
    if n_units == 0:
        return None
    return _diag("treatment_switches_off", "warning", "treatment_switches_off", count=n_units)


def estimators_disagree(event_times: Sequence[int]) -> Diagnostic | None:
    """Staggered and TWFE event-study coefficients disagree at ``event_times``."""
    if not event_times:
        return None
    shown = l10n.Bilingual.build(lambda lang: l10n.join([int(e) for e in event_times], lang))
    return _diag("estimators_disagree", "warning", "estimators_disagree", event_times=shown)


def pretrend_rejected(p_value: float, n_leads: int, *, alpha: float = 0.05) -> Diagnostic | None:
    """Joint Wald test of the leads rejects parallel pre-trends at ``alpha``."""
    if not np.isfinite(p_value) or p_value >= alpha:
        return None
    return _diag("pretrend_rejected", "warning", "pretrend_rejected", count=n_leads, p=p_value)


def close_interventions(
    pairs: Iterable[tuple[Any, Any, float]], *, threshold: float
) -> Diagnostic | None:
    """Warn when interventions are fewer than ``threshold`` periods apart.

    ``pairs`` holds ``(first, second, periods_apart)``; the first two are the
    intervention dates or period values as given (dates are written out in the
    reader's language).
    """
    close = [(a, b, d) for a, b, d in pairs if d < threshold]
    if not close:
        return None
    items = [
        message("close_pair", first=period_text(a), second=period_text(b), count=int(round(d)))
        for a, b, d in close
    ]
    joined = l10n.Bilingual.build(lambda lang: l10n.Safe("; ".join(i[lang] for i in items)))
    return _diag("close_interventions", "warning", "close_interventions", pairs=joined)


def small_groups(
    cohorts: dict[Any, int],
    *,
    threshold: int,
    never: int | None = None,
    controls: int | None = None,
    code: str = "small_groups",
) -> Diagnostic | None:
    """Cohorts (and the never-treated or control group) with fewer than ``threshold`` units.

    ``cohorts`` maps a cohort's value as given in the data (its first treated
    period; a date is written out in the language) to its number of units.

    Examples
    --------
    >>> small_groups({2019: 1, 2021: 8}, threshold=5, never=3).message.en
    'Groups with fewer than 5 units (cohort 2019: 1 unit; never treated: 3 units); their estimates rest on very few units.'
    """
    items = [
        message("cohort_size", cohort=period_text(g), count=int(n))
        for g, n in cohorts.items()
        if 0 < n < threshold
    ]
    for key, n in (("never_size", never), ("control_size", controls)):
        if n is not None and n < threshold:
            items.append(message(key, count=int(n)))
    if not items:
        return None
    groups = l10n.Bilingual.build(lambda lang: l10n.Safe("; ".join(i[lang] for i in items)))
    return _diag(code, "warning", "small_groups", threshold=threshold, groups=groups)


def rows_dropped(n_missing: int, n_infinite: int, total: int) -> Diagnostic | None:
    """Rows without a usable value were left out: how many of ``total``, and why."""
    count = n_missing + n_infinite
    if count == 0:
        return None
    if n_missing and n_infinite:
        key = "rows_dropped_both"
    else:
        key = "rows_dropped_missing" if n_missing else "rows_dropped_infinite"
    return _diag(
        "missing_rows_dropped", "info", key, count=count, total=total, missing=n_missing,
        infinite=n_infinite,
    )  # fmt: skip


# ----------------------------------------------------------------------------- the reading
def headline_text(
    terms: pd.DataFrame,
    *,
    design: l10n.Bilingual,
    outcome: str,
    level: float,
    caveat: l10n.Bilingual | None = None,
) -> l10n.Bilingual:
    """:func:`plain_effect` for the headline (first) row of a tidy ``terms`` table."""
    head = terms.iloc[0]
    return plain_effect(
        design=design,
        outcome=outcome,
        estimate=float(head["estimate"]),
        ci_lower=float(head["ci_lower"]),
        ci_upper=float(head["ci_upper"]),
        p_value=float(head["p_value"]),
        level=level,
        caveat=caveat,
    )


def plain_effect(
    *,
    design: l10n.Bilingual,
    outcome: str,
    estimate: float,
    ci_lower: float,
    ci_upper: float,
    p_value: float,
    level: float,
    caveat: l10n.Bilingual | None = None,
) -> l10n.Bilingual:
    """The standard reading of a headline effect: number, CI, what the CI says, direction, caveat.

    Examples
    --------
    >>> text = plain_effect(design=message("estimators_core.design_did"), outcome="ikm",
    ...                     estimate=2.905, ci_lower=2.145, ci_upper=3.665, p_value=0.0004,
    ...                     level=0.95)
    >>> print(text.id.split("). ")[0])
    Selisih-dari-selisih (DiD 2×2): ikm naik sebesar 2,905 (selang kepercayaan 95% 2,145 s.d. 3,665; p < 0,001
    """
    key = "effect_rose" if estimate > 0 else "effect_fell" if estimate < 0 else "effect_flat"
    if not (math.isfinite(ci_lower) and math.isfinite(ci_upper)):
        reading = "ci_missing"
    else:
        reading = "ci_excludes_zero" if ci_lower > 0 or ci_upper < 0 else "ci_includes_zero"
    head = message(
        key, design=design, outcome=outcome, size=abs(estimate), lower=ci_lower, upper=ci_upper,
        p=p_value, level=level,
    )  # fmt: skip
    return sentences(head, message(reading), message("direction_note"), caveat)


# ----------------------------------------------------------------------------- input checks
def _quoted(columns: Sequence[Any]) -> str:
    names = [repr(str(c)) for c in dict.fromkeys(columns)]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def require_rows(data: pd.DataFrame, columns: Sequence[Any], *, what: str, shape: str) -> None:
    """Raise :class:`DataValidationError` when ``data`` has no rows, saying what ``what`` expects.

    ``shape`` describes a row, e.g. ``"one row per unit and period"``.

    Examples
    --------
    >>> require_rows(pd.DataFrame({"y": []}), ["y"], what="did", shape="one row per observation")
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.DataValidationError: 1 problem(s) in the input data:
      - did got a table with no rows; it expects one row per observation with values in 'y'
    """
    if len(data) == 0:
        raise DataValidationError(
            f"{what} got a table with no rows; it expects {shape} with values in {_quoted(columns)}"
        )


def _unusable(data: pd.DataFrame, columns: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Per row: a used value is missing; else a numeric used value is infinite."""
    missing = data.loc[:, list(columns)].isna().any(axis=1).to_numpy()
    infinite = np.zeros(len(data), dtype=bool)
    for c in dict.fromkeys(columns):
        s = data[c]
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            infinite |= np.isinf(s.to_numpy(dtype=float, na_value=np.nan))
    return missing, infinite & ~missing


def drop_missing(
    data: pd.DataFrame,
    columns: Sequence[Any],
    *,
    what: str,
    shape: str,
    carry: Sequence[Any] = (),
) -> tuple[pd.DataFrame, Diagnostic | None]:
    """The used ``columns`` without rows that miss one of them or hold an infinite number, and a note.

    ``carry`` columns come along unchecked (e.g. a cohort whose missing value
    means "never treated"). The returned frame's index (named :data:`SOURCE_ROW`) is each row's
    position in ``data``, so later checks name the caller's spreadsheet rows.

    Raises
    ------
    DataValidationError
        When no row is left (an empty table, or every row misses a value), saying
        what ``what`` expects (``shape``: e.g. ``"one row per observation"``).

    Examples
    --------
    >>> df = pd.DataFrame({"y": [1.0, float("inf"), None, 4.0], "g": [0, 1, 1, 0]})
    >>> used, note = drop_missing(df, ["y", "g"], what="did", shape="one row per observation")
    >>> used.index.tolist(), note.message.en
    ([0, 3], '2 of 4 rows were left out: 1 because a value they need is missing and 1 because they hold an infinite value.')
    """
    cols = list(dict.fromkeys(columns))
    require_rows(data, cols, what=what, shape=shape)
    missing, infinite = _unusable(data, cols)
    keep = ~(missing | infinite)
    if not keep.any():
        raise DataValidationError(
            f"{what} has no usable row: each of the {len(data)} rows misses a value or holds an "
            f"infinite one in {_quoted(cols)}; it expects {shape} with values in every one of them"
        )
    kept = list(dict.fromkeys([*cols, *(c for c in carry if c is not None)]))
    sub = data.loc[:, kept].set_axis(pd.RangeIndex(len(data), name=SOURCE_ROW), axis=0)
    note = rows_dropped(int(missing.sum()), int(infinite.sum()), len(data))
    return sub.loc[keep], note


def require_finite(data: pd.DataFrame, columns: Sequence[Any], *, what: str, need: str) -> None:
    """Raise when a used value is missing or infinite, naming the rows; ``need`` says why none may be.

    Examples
    --------
    >>> require_finite(pd.DataFrame({"y": [1.0, float("inf")]}), ["y"], what="bacon_decomposition",
    ...                need="a complete balanced panel")
    Traceback (most recent call last):
    ...
    innolab_analysis.errors.DataValidationError: 1 problem(s) in the input data:
      - 1 row(s) miss a value or hold an infinite one in 'y'; bacon_decomposition needs a complete balanced panel — fill or remove those rows [row 3]
    """
    missing, infinite = _unusable(data, columns)
    bad = np.flatnonzero(missing | infinite)
    if len(bad):
        raise DataValidationError(
            [
                Problem(
                    f"{len(bad)} row(s) miss a value or hold an infinite one in "
                    f"{_quoted(columns)}; {what} needs {need} — fill or remove those rows",
                    rows=_rows(data, bad[:MAX_ROWS_SHOWN]),
                )
            ]
        )


def _rows(data: pd.DataFrame, positions: Iterable[int]) -> tuple[int, ...]:
    """Spreadsheet row numbers of positions of ``data`` (in the caller's table, see :data:`SOURCE_ROW`)."""
    pos = np.asarray(list(positions), dtype=int)
    if data.index.name == SOURCE_ROW:
        pos = data.index.to_numpy()[pos]
    return tuple(int(i) + 2 for i in pos)


def require_columns(data: pd.DataFrame, columns: dict[str, str | Sequence[str] | None]) -> None:
    """Raise when any named column is absent; ``columns`` maps argument name → column(s)."""
    if not isinstance(data, pd.DataFrame):
        raise DataValidationError(
            f"data must be a pandas DataFrame, got {type(data).__name__}; "
            "pass a DataFrame with one row per observation"
        )
    problems = []
    available = ", ".join(map(str, data.columns))
    for arg, cols in columns.items():
        if cols is None:
            continue
        for col in [cols] if isinstance(cols, str) else list(cols):
            if col not in data.columns:
                problems.append(
                    Problem(
                        f"{arg}={col!r} is not a column of the data; pass one of the "
                        "available columns",
                        column=col,
                        allowed=available,
                    )
                )
    if problems:
        raise DataValidationError(problems)


def require_binary(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise when a column holds anything other than 0/1 (booleans allowed), listing the rows."""
    problems = []
    for col in columns:
        s = data[col]
        if pd.api.types.is_bool_dtype(s):
            continue
        num = pd.to_numeric(s, errors="coerce")
        bad = ~num.isin([0, 1])
        if bad.any():
            pos = np.flatnonzero(bad.to_numpy())
            problems.append(
                Problem(
                    f"must be a 0/1 indicator; {len(pos)} rows hold other values — recode them",
                    column=col,
                    rows=_rows(data, pos[:MAX_ROWS_SHOWN]),
                    values=tuple(s.iloc[pos[:MAX_ROWS_SHOWN]].tolist()),
                    allowed="0 or 1",
                )
            )
    if problems:
        raise DataValidationError(problems)


def require_numeric(data: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise when a column is not numeric (or boolean)."""
    problems = [
        Problem(
            f"must be numeric, got dtype {data[c].dtype}; convert it with pd.to_numeric",
            column=c,
        )
        for c in columns
        if not (pd.api.types.is_numeric_dtype(data[c]) or pd.api.types.is_bool_dtype(data[c]))
    ]
    if problems:
        raise DataValidationError(problems)


def require_unique(data: pd.DataFrame, keys: Sequence[str]) -> None:
    """Raise when several rows share the same ``keys`` (e.g. unit and period)."""
    dup = data.duplicated(subset=list(keys), keep=False)
    if dup.any():
        pos = np.flatnonzero(dup.to_numpy())
        shown = pos[:MAX_ROWS_SHOWN]
        values = tuple(zip(*(data[k].iloc[shown].tolist() for k in keys)))
        raise DataValidationError(
            [
                Problem(
                    f"{len(pos)} rows share the same ({', '.join(keys)}); keep one row per "
                    f"{' and '.join(keys)} (aggregate or remove duplicates)",
                    column=", ".join(keys),
                    rows=_rows(data, shown),
                    values=values,
                )
            ]
        )


def check_nonconstant(y: np.ndarray, outcome: str) -> None:
    """Raise when the outcome does not vary (nothing to estimate)."""
    if len(y) == 0 or np.ptp(y) == 0:
        value = float(y[0]) if len(y) else "no rows"
        raise DataValidationError(
            [
                Problem(
                    f"the outcome is constant ({value!r} in every used row), so no effect can "
                    "be estimated; check that the right column was chosen",
                    column=outcome,
                )
            ]
        )
