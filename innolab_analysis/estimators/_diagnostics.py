"""Reusable plain-language diagnostics and input checks for the estimators.

Two kinds of helpers live here:

* **Diagnostics** (functions returning a :class:`Diagnostic` or ``None``):
  findings an analyst must read before trusting a number — too few clusters,
  too few pre-periods, a poor pre-treatment fit, forbidden TWFE comparisons,
  estimators that disagree … — written in Bahasa Indonesia and English.
  Thresholds are rules of thumb from the methods literature, not laws; each is
  a keyword argument so a study can change it.
* **Input checks** (functions that raise :class:`DataValidationError`):
  missing columns, non-0/1 indicators, duplicate unit-period rows, constant
  outcomes. They list every problem at once with spreadsheet row numbers
  (header = row 1, first data row = row 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from innolab_analysis.errors import DataValidationError, Problem
from innolab_analysis.estimators._result import Bilingual, Diagnostic

__all__ = [
    "check_nonconstant",
    "drop_missing",
    "plain_effect",
    "close_interventions",
    "estimators_disagree",
    "few_clusters",
    "few_pre_periods",
    "few_treated",
    "forbidden_comparisons",
    "missing_rows_dropped",
    "negative_weights",
    "no_counterfactual",
    "poor_pre_fit",
    "pretrend_rejected",
    "require_binary",
    "require_columns",
    "require_numeric",
    "require_unique",
    "treatment_switches_off",
]

MAX_ROWS_SHOWN = 5


def _num(x: float, digits: int = 3) -> str:
    return f"{x:,.{digits}f}"


# ----------------------------------------------------------------------------- diagnostics
def few_clusters(n_clusters: int, cluster: str, *, threshold: int = 30) -> Diagnostic | None:
    """Warn when cluster-robust inference rests on fewer than ``threshold`` clusters.

    Cameron & Miller (2015) put the comfort zone for CR1 at roughly 30–50 clusters;
    below it the standard errors are too small and the tests reject too often.
    """
    if n_clusters >= threshold:
        return None
    return Diagnostic(
        "few_clusters",
        "warning",
        Bilingual(
            id=(
                f"Hanya {n_clusters} klaster ({cluster}). Dengan kurang dari {threshold} klaster, "
                "galat baku cluster-robust (CR1) cenderung terlalu kecil sehingga efek tampak "
                "lebih pasti daripada sebenarnya. Gunakan wild cluster bootstrap "
                "(vcov='wild') dan baca interval kepercayaan dengan hati-hati."
            ),
            en=(
                f"Only {n_clusters} clusters ({cluster}). With fewer than {threshold} clusters, "
                "cluster-robust (CR1) standard errors tend to be too small, so the effect looks "
                "more certain than it is. Use the wild cluster bootstrap (vcov='wild') and read "
                "the confidence interval with care."
            ),
        ),
    )


def few_pre_periods(n_pre: int, *, threshold: int = 8, what: str = "periods") -> Diagnostic | None:
    """Warn when fewer than ``threshold`` pre-intervention periods are available."""
    if n_pre >= threshold:
        return None
    return Diagnostic(
        "few_pre_periods",
        "warning",
        Bilingual(
            id=(
                f"Hanya {n_pre} periode sebelum intervensi (disarankan minimal {threshold}). "
                "Tren sebelum intervensi sulit diperkirakan dan diuji, sehingga "
                "kontrafaktual (apa yang terjadi tanpa inovasi) kurang dapat dipercaya."
            ),
            en=(
                f"Only {n_pre} pre-intervention {what} (at least {threshold} recommended). "
                "The pre-trend is hard to estimate and to test, so the counterfactual (what "
                "would have happened without the innovation) is less trustworthy."
            ),
        ),
    )


def few_treated(n_treated: int, *, threshold: int = 5, what: str = "units") -> Diagnostic | None:
    """Warn when the treated group has fewer than ``threshold`` units."""
    if n_treated >= threshold:
        return None
    return Diagnostic(
        "few_treated",
        "warning",
        Bilingual(
            id=(
                f"Hanya {n_treated} unit yang menerima inovasi. Efeknya bisa tercampur dengan "
                "kejadian lain yang menimpa unit tersebut; bandingkan dengan kontrol sintetis "
                "atau uji plasebo."
            ),
            en=(
                f"Only {n_treated} treated {what}. The effect may be confounded with anything "
                "else that happened to them; compare with a synthetic control or placebo tests."
            ),
        ),
    )


def poor_pre_fit(
    pre_rmspe: float, outcome_sd: float, *, threshold: float = 0.5
) -> Diagnostic | None:
    """Warn when the pre-period fit error exceeds ``threshold`` × the outcome's standard deviation."""
    if not (np.isfinite(pre_rmspe) and np.isfinite(outcome_sd)) or outcome_sd <= 0:
        return None
    ratio = pre_rmspe / outcome_sd
    if ratio <= threshold:
        return None
    return Diagnostic(
        "poor_pre_fit",
        "warning",
        Bilingual(
            id=(
                f"Kecocokan sebelum intervensi buruk: RMSPE {_num(pre_rmspe)} = "
                f"{_num(ratio, 2)} × simpangan baku hasil. Kontrafaktual tidak meniru unit "
                "yang diberi perlakuan sebelum inovasi, jadi selisih sesudahnya bukan bukti efek."
            ),
            en=(
                f"Poor pre-treatment fit: RMSPE {_num(pre_rmspe)} = {_num(ratio, 2)} × the "
                "outcome's standard deviation. The counterfactual does not track the treated "
                "unit before the innovation, so a gap afterwards is not evidence of an effect."
            ),
        ),
    )


def no_counterfactual() -> Diagnostic:
    """Before/after comparisons have no control group: say so every time."""
    return Diagnostic(
        "no_counterfactual",
        "warning",
        Bilingual(
            id=(
                "Perbandingan sebelum–sesudah tidak memiliki kelompok pembanding: seluruh "
                "perubahan dianggap akibat inovasi, padahal tren umum, musim, atau kebijakan lain "
                "(misalnya pembukaan tol) juga dapat mengubah kualitas layanan."
            ),
            en=(
                "A before/after comparison has no control group: the whole change is "
                "attributed to the innovation, although general trends, seasons or other "
                "policies (e.g. the toll-road opening) can also move service quality."
            ),
        ),
    )


def forbidden_comparisons(weight: float, *, threshold: float = 0.0) -> Diagnostic | None:
    """Flag the TWFE weight on 'later vs earlier treated' comparisons (already-treated controls)."""
    if weight <= threshold:
        return None
    return Diagnostic(
        "forbidden_comparisons",
        "warning" if weight >= 0.1 else "info",
        Bilingual(
            id=(
                f"{_num(100 * weight, 1)}% bobot estimasi TWFE berasal dari perbandingan "
                "'terlambat vs lebih awal diberi perlakuan', yang memakai unit yang SUDAH "
                "berinovasi sebagai pembanding. Jika efek berubah seiring waktu, perbandingan "
                "ini membiaskan TWFE (bahkan bisa membalik tandanya); gunakan staggered_did."
            ),
            en=(
                f"{_num(100 * weight, 1)}% of the TWFE weight comes from 'later vs earlier "
                "treated' comparisons, which use ALREADY-treated units as controls. If effects "
                "change over time these comparisons bias TWFE (even flip its sign); use "
                "staggered_did."
            ),
        ),
    )


def negative_weights(n_negative: int, n_cells: int, total: float) -> Diagnostic | None:
    """Flag treated unit-periods that TWFE weights negatively (de Chaisemartin & D'Haultfœuille 2020)."""
    if n_negative == 0:
        return None
    return Diagnostic(
        "negative_weights",
        "warning",
        Bilingual(
            id=(
                f"{n_negative} dari {n_cells} unit-periode yang diberi perlakuan mendapat bobot "
                f"negatif dalam TWFE (jumlah bobot negatif {_num(total)}). Jika efeknya berbeda "
                "antar unit atau waktu, koefisien TWFE bukan rata-rata efek yang wajar."
            ),
            en=(
                f"{n_negative} of {n_cells} treated unit-periods get a negative weight in TWFE "
                f"(negative weights sum to {_num(total)}). If effects differ across units or "
                "time, the TWFE coefficient is not a proper average of the effects."
            ),
        ),
    )


def treatment_switches_off(n_units: int, column: str) -> Diagnostic | None:
    """TWFE assumes nothing about timing, but switching treatments change what it estimates."""
    if n_units == 0:
        return None
    return Diagnostic(
        "treatment_switches_off",
        "warning",
        Bilingual(
            id=(
                f"Pada {n_units} unit, '{column}' kembali dari 1 ke 0 (inovasi dihentikan). "
                "TWFE tetap dihitung, tetapi dekomposisi Goodman-Bacon dan penduga staggered "
                "mengasumsikan perlakuan yang menetap; efek yang tertunda atau berkelanjutan "
                "akan tercampur."
            ),
            en=(
                f"In {n_units} units '{column}' goes back from 1 to 0 (an innovation was "
                "stopped). TWFE is still computed, but the Goodman-Bacon decomposition and the "
                "staggered estimator assume treatment stays on; lingering effects get mixed in."
            ),
        ),
    )


def estimators_disagree(event_times: Sequence[int]) -> Diagnostic | None:
    """Staggered and TWFE event-study coefficients disagree at ``event_times``."""
    if not event_times:
        return None
    shown = ", ".join(str(e) for e in event_times)
    return Diagnostic(
        "estimators_disagree",
        "warning",
        Bilingual(
            id=(
                f"Penduga staggered (Callaway–Sant'Anna) dan TWFE berbeda nyata pada waktu "
                f"kejadian {shown} (tanda berbeda atau interval kepercayaan tidak beririsan). "
                "TWFE memakai unit yang sudah berinovasi sebagai pembanding; bila efek berubah "
                "seiring waktu, TWFE bias. Percayai penduga staggered."
            ),
            en=(
                f"The staggered (Callaway–Sant'Anna) and TWFE estimates disagree materially at "
                f"event time {shown} (opposite signs or non-overlapping confidence intervals). "
                "TWFE uses already-treated units as controls; when effects change over time it "
                "is biased. Trust the staggered estimate."
            ),
        ),
    )


def pretrend_rejected(p_value: float, n_leads: int, *, alpha: float = 0.05) -> Diagnostic | None:
    """Joint Wald test of the leads rejects parallel pre-trends at ``alpha``."""
    if not np.isfinite(p_value) or p_value >= alpha:
        return None
    return Diagnostic(
        "pretrend_rejected",
        "warning",
        Bilingual(
            id=(
                f"Uji Wald gabungan atas {n_leads} koefisien sebelum perlakuan menolak tren "
                f"paralel (p = {_num(p_value)}). Unit yang berinovasi sudah berbeda arah sebelum "
                "inovasi, jadi selisih sesudahnya belum tentu efek inovasi."
            ),
            en=(
                f"The joint Wald test of the {n_leads} pre-treatment coefficients rejects "
                f"parallel pre-trends (p = {_num(p_value)}). Innovating units were already "
                "moving differently before the innovation, so later gaps need not be its effect."
            ),
        ),
    )


def close_interventions(
    pairs: Iterable[tuple[str, str, int]], *, threshold: int
) -> Diagnostic | None:
    """Warn when interventions are fewer than ``threshold`` periods apart.

    ``pairs`` holds ``(first, second, periods_apart)``.
    """
    close = [(a, b, d) for a, b, d in pairs if d < threshold]
    if not close:
        return None
    id_txt = "; ".join(f"{a} dan {b} hanya berjarak {d} periode" for a, b, d in close)
    en_txt = "; ".join(f"{a} and {b} are only {d} periods apart" for a, b, d in close)
    return Diagnostic(
        "close_interventions",
        "warning",
        Bilingual(
            id=(
                f"{id_txt}. Dengan sedikit periode di antara dua intervensi, perubahan level dan "
                "kemiringan masing-masing hampir tidak dapat dipisahkan: efek yang pertama "
                "hanya diukur dari beberapa titik dan bisa tertukar dengan yang kedua, dan galat "
                "bakunya pun tidak dapat dipercaya. "
                "Laporkan efek gabungannya, bukan masing-masing."
            ),
            en=(
                f"{en_txt}. With few periods between two interventions their level and slope "
                "changes can barely be told apart: the first one is measured on a handful of "
                "points and may absorb the second, and its standard errors are unreliable too. "
                "Report their combined effect, not each one."
            ),
        ),
    )


def missing_rows_dropped(n_dropped: int, columns: Sequence[str]) -> Diagnostic | None:
    """Rows with missing values in the used columns were left out."""
    if n_dropped == 0:
        return None
    cols = ", ".join(columns)
    return Diagnostic(
        "missing_rows_dropped",
        "info",
        Bilingual(
            id=f"{n_dropped} baris dengan nilai kosong pada ({cols}) tidak dipakai.",
            en=f"{n_dropped} rows with missing values in ({cols}) were left out.",
        ),
    )


# ----------------------------------------------------------------------------- input checks
def _rows(index_positions: Iterable[int]) -> tuple[int, ...]:
    return tuple(int(i) + 2 for i in index_positions)


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
                    rows=_rows(pos[:MAX_ROWS_SHOWN]),
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
                    rows=_rows(shown),
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


def drop_missing(
    data: pd.DataFrame, columns: Sequence[str]
) -> tuple[pd.DataFrame, Diagnostic | None]:
    """Copy of the used ``columns`` without rows that miss any of them, and a note if some were dropped."""
    cols = list(dict.fromkeys(columns))
    sub = data.loc[:, cols]
    keep = sub.notna().all(axis=1)
    return sub.loc[keep].reset_index(drop=True), missing_rows_dropped(int((~keep).sum()), cols)


# ----------------------------------------------------------------------------- plain language
def headline_text(
    terms: pd.DataFrame,
    *,
    design_id: str,
    design_en: str,
    outcome: str,
    level: float,
    caveat_id: str = "",
    caveat_en: str = "",
) -> Bilingual:
    """:func:`plain_effect` for the headline (first) row of a tidy ``terms`` table."""
    head = terms.iloc[0]
    return plain_effect(
        design_id=design_id,
        design_en=design_en,
        outcome=outcome,
        estimate=float(head["estimate"]),
        ci_lower=float(head["ci_lower"]),
        ci_upper=float(head["ci_upper"]),
        p_value=float(head["p_value"]),
        level=level,
        caveat_id=caveat_id,
        caveat_en=caveat_en,
    )


def plain_effect(
    *,
    design_id: str,
    design_en: str,
    outcome: str,
    estimate: float,
    ci_lower: float,
    ci_upper: float,
    p_value: float,
    level: float,
    caveat_id: str = "",
    caveat_en: str = "",
) -> Bilingual:
    """The standard bilingual reading of a headline effect: number, CI, meaning, caveat."""
    pct = int(round(level * 100))
    up = estimate > 0
    clear = np.isfinite(ci_lower) and (ci_lower > 0 or ci_upper < 0)
    sig_id = (
        "Interval kepercayaan tidak mencakup nol, jadi perubahan ini kecil kemungkinannya "
        "hanya kebetulan."
        if clear
        else "Interval kepercayaan mencakup nol, jadi data belum dapat membedakan efek ini dari "
        "nol (tidak berarti tidak ada efek)."
    )
    sig_en = (
        "The confidence interval excludes zero, so this change is unlikely to be chance alone."
        if clear
        else "The confidence interval includes zero, so the data cannot tell this effect from "
        "zero (which is not proof of no effect)."
    )
    dir_id = "naik" if up else "turun"
    dir_en = "rose" if up else "fell"
    text_id = (
        f"{design_id}: '{outcome}' {dir_id} sebesar {_num(abs(estimate))} "
        f"(IK {pct}% {_num(ci_lower)} s.d. {_num(ci_upper)}; p = {_num(p_value)}). {sig_id} "
        "Apakah ini perbaikan layanan tergantung arah indikatornya (IKM lebih tinggi = lebih "
        "baik; hari proses lebih sedikit = lebih baik)."
    )
    text_en = (
        f"{design_en}: '{outcome}' {dir_en} by {_num(abs(estimate))} "
        f"({pct}% CI {_num(ci_lower)} to {_num(ci_upper)}; p = {_num(p_value)}). {sig_en} "
        "Whether this is better service depends on the indicator's direction (a higher IKM is "
        "better; fewer processing days is better)."
    )
    if caveat_id:
        text_id += " " + caveat_id
    if caveat_en:
        text_en += " " + caveat_en
    return Bilingual(id=text_id, en=text_en)
