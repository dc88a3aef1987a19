"""Innovation readiness: a configurable rubric and a weighted readiness index.

LAN measures an *Innovation Readiness Level* in the Diagnose stage of its
Laboratorium Inovasi, but its official rubric (Panduan Penilaian Innovation
Readiness Level, 2019) is not public. The default rubric shipped here
(``rubrics/default_readiness.yaml``) is **ours, not LAN's**: six dimensions
(leadership_commitment, human_resources, budget, digital_infrastructure,
collaboration, culture), scale 1–5, leadership weighted highest (0,25; others
0,15) after LAN's remark at the Kota Mojokerto kick-off (2 April 2018) that
readiness "yang utama adalah strong commitment dari pucuk pimpinan". Replace it
with your own YAML file of the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from innolab_analysis import l10n
from innolab_analysis.errors import DataValidationError, InnolabError, Problem
from innolab_analysis.metrics._checks import cell_numbers, check_frame, check_rows
from innolab_analysis.options import Language

__all__ = ["Rubric", "RubricDimension", "load_rubric", "readiness_index"]

_MAX_SHOWN = 10


@dataclass(frozen=True)
class RubricDimension:
    """One dimension of a readiness rubric: its weight and indicators ``(name, weight)``.

    ``label_id``/``label_en`` are the rubric file's own words when it gives
    them; otherwise the catalog's (``labels.readiness_dimension.<name>``, for
    the shipped rubric's dimensions), else the name itself.
    """

    name: str
    weight: float
    label_id: str
    label_en: str
    indicators: tuple[tuple[str, float], ...] = ()

    def label(self, language: Language) -> str:
        """The dimension's name in ``language``."""
        return self.label_id if language == "id" else self.label_en

    def indicator_label(self, indicator: str, language: Language) -> str:
        """An indicator's name in ``language`` (the catalog's for the shipped rubric, else its name).

        Examples
        --------
        >>> load_rubric().dimension("budget").indicator_label("continuity", "id")
        'Anggaran terjamin setelah tahun uji coba'
        """
        if indicator not in [n for n, _ in self.indicators]:
            raise InnolabError(
                f"dimension {self.name!r} has no indicator {indicator!r}; "
                f"its indicators: {[n for n, _ in self.indicators]}"
            )
        code = f"{self.name}.{indicator}"
        if l10n.has_label("readiness_indicator", code):
            return l10n.label("readiness_indicator", code, language)
        return indicator


def _dimension_label(name: str, spec: dict, language: str) -> str:
    """The rubric file's label, else the catalog's, else the name."""
    given = spec.get(f"label_{language}")
    if given is not None:
        return str(given)
    if l10n.has_label("readiness_dimension", name):
        return l10n.label("readiness_dimension", name, language)
    return str(name)


@dataclass(frozen=True)
class Rubric:
    """A readiness rubric (see ``rubrics/default_readiness.yaml``)."""

    name: str
    source: str
    scale_min: float
    scale_max: float
    dimensions: tuple[RubricDimension, ...]
    leadership_dimension: str
    leadership_threshold: float
    path: str | None = None

    @property
    def dimension_names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.dimensions)

    def dimension(self, name: str) -> RubricDimension:
        for d in self.dimensions:
            if d.name == name:
                return d
        raise KeyError(name)


def _note(key: str, **values) -> str:
    """A note of the result table (English, for the analyst), from the catalog."""
    return l10n.tr(f"metrics_readiness.note.{key}", "en", markdown=False, **values)


def _num(value, where: str, problems: list[Problem], file: str, *, positive: bool = False):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
    if not ok or (positive and value <= 0):
        problems.append(
            Problem(
                f"{where} must be a {'positive ' if positive else ''}number, got {value!r}",
                file=file,
                column=where,
            )
        )
        return None
    return float(value)


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Load and check a readiness rubric from YAML (default: the shipped rubric, ours — not LAN's).

    Parameters
    ----------
    path : str or Path, optional
        A YAML file with ``scale: {min, max}``, ``leadership_dimension``,
        ``leadership_threshold`` (0–100) and ``dimensions: {name: {weight,
        label_id, label_en, indicators: {name: {weight}}}}``.

    Returns
    -------
    Rubric

    Raises
    ------
    DataValidationError
        Every problem of the file at once (missing keys, non-positive weights,
        a leadership dimension that is not a dimension …).

    Examples
    --------
    >>> r = load_rubric()
    >>> r.leadership_dimension, r.dimension("leadership_commitment").weight
    ('leadership_commitment', 0.25)
    """
    import yaml

    if path is None:
        ref = resources.files("innolab_analysis.metrics") / "rubrics" / "default_readiness.yaml"
        text, file = ref.read_text(encoding="utf-8"), "default_readiness.yaml"
    else:
        p = Path(path)
        if not p.is_file():
            raise InnolabError(
                f"rubric file not found: {str(p)!r}; pass the path of a YAML rubric or None"
            )
        text, file = p.read_text(encoding="utf-8"), str(p)
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataValidationError([Problem(f"not valid YAML: {exc}", file=file)]) from exc
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise DataValidationError([Problem("the rubric must be a YAML mapping", file=file)])
    for key in ("scale", "dimensions", "leadership_dimension"):
        if key not in raw:
            problems.append(Problem(f"required key '{key}' missing", file=file, column=key))
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem(s) in the rubric")
    scale = raw["scale"] if isinstance(raw["scale"], dict) else {}
    lo = _num(scale.get("min"), "scale.min", problems, file)
    hi = _num(scale.get("max"), "scale.max", problems, file)
    if lo is not None and hi is not None and hi <= lo:
        problems.append(
            Problem(f"scale.max ({hi}) must exceed scale.min ({lo})", file=file, column="scale")
        )
    threshold = _num(raw.get("leadership_threshold", 50), "leadership_threshold", problems, file)
    if threshold is not None and not 0 <= threshold <= 100:
        problems.append(
            Problem(
                "leadership_threshold is on the 0-100 scale",
                file=file,
                column="leadership_threshold",
                values=(threshold,),
                allowed="0-100",
            )
        )
    dims = []
    raw_dims = raw["dimensions"] if isinstance(raw["dimensions"], dict) else {}
    if not raw_dims:
        problems.append(
            Problem("dimensions must be a non-empty mapping", file=file, column="dimensions")
        )
    for name, spec in raw_dims.items():
        spec = spec if isinstance(spec, dict) else {}
        w = _num(spec.get("weight"), f"dimensions.{name}.weight", problems, file, positive=True)
        inds = []
        for iname, ispec in (spec.get("indicators") or {}).items():
            iw = (ispec or {}).get("weight", 1) if isinstance(ispec, dict) else ispec
            iw = _num(
                iw, f"dimensions.{name}.indicators.{iname}.weight", problems, file, positive=True
            )
            inds.append((str(iname), iw))
        dims.append(
            RubricDimension(
                str(name),
                w,
                _dimension_label(str(name), spec, "id"),
                _dimension_label(str(name), spec, "en"),
                tuple(inds),
            )
        )
    lead = raw["leadership_dimension"]
    if raw_dims and lead not in raw_dims:
        problems.append(
            Problem(
                f"leadership_dimension '{lead}' is not one of the dimensions",
                file=file,
                column="leadership_dimension",
                allowed=", ".join(map(str, raw_dims)),
            )
        )
    if problems:
        raise DataValidationError(problems, title=f"{len(problems)} problem(s) in the rubric")
    return Rubric(
        name=str(raw.get("name", file)),
        source=str(raw.get("source", "")),
        scale_min=lo,
        scale_max=hi,
        dimensions=tuple(dims),
        leadership_dimension=str(lead),
        leadership_threshold=threshold,
        path=None if path is None else str(path),
    )


def _blank_or_bad(values: pd.Series, bad: pd.Series, column: str, allowed: str) -> list[Problem]:
    """The rows whose key is blank or unreadable (they would silently fall out of the groups)."""
    mask = bad.to_numpy(dtype=bool)
    if not mask.any():
        return []
    pos = np.flatnonzero(mask)[:_MAX_SHOWN]
    return [
        Problem(
            f"{int(mask.sum())} row(s) with a blank or unreadable {column}",
            column=column,
            rows=tuple(int(p) + 2 for p in pos),
            values=tuple(None if pd.isna(v) else v for v in values.to_numpy(dtype=object)[pos]),
            allowed=allowed,
        )
    ]


def readiness_index(
    assessments: pd.DataFrame, rubric: Rubric | str | Path | None = None
) -> pd.DataFrame:
    """Weighted innovation-readiness index (0–100) per unit and assessment date.

    Each score is normalised to 0–100 with the rubric's scale
    (``(score − min) / (max − min) × 100``); several rows for the same
    indicator (several assessors) are averaged; a dimension's score is the
    weighted mean of its indicators present (rows without an indicator score
    the dimension as a whole); the index is the weighted mean of the
    dimensions. A unit/date missing a dimension gets no index (NaN) and a
    ``note`` naming the missing dimensions. The default rubric is **ours, not
    LAN's** (see :func:`load_rubric`).

    Parameters
    ----------
    assessments : DataFrame
        The ``readiness`` table: ``agency_id``, ``assessed_on``, ``dimension``,
        optional ``indicator``, ``score``.
    rubric : Rubric, str, Path or None
        A rubric or the path of its YAML file; ``None`` = the shipped default.

    Returns
    -------
    DataFrame
        ``agency_id``, ``assessed_on``, ``readiness_index``, one column per
        dimension (normalised 0–100, rubric order), ``leadership_commitment``
        (the leadership dimension's score, whatever its name in the rubric),
        ``low_leadership`` (below the rubric's threshold) and ``note``.

    Raises
    ------
    DataValidationError
        Unknown dimensions or indicators, scores outside the scale — all at once.

    Examples
    --------
    >>> rows = [("a", "2018-04-02", d, None, 5) for d in load_rubric().dimension_names]
    >>> df = pd.DataFrame(rows, columns=["agency_id", "assessed_on", "dimension", "indicator", "score"])
    >>> readiness_index(df)["readiness_index"].tolist()
    [100.0]
    """
    rub = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    check_frame(assessments, "readiness")
    check_rows(assessments, "readiness", "at least one assessment (a row of readiness.csv)")
    need = ["agency_id", "assessed_on", "dimension", "score"]
    missing = [c for c in need if c not in assessments.columns]
    if missing:
        raise DataValidationError(
            [
                Problem(
                    f"column(s) {missing} missing from the readiness table",
                    column=", ".join(missing),
                    allowed=", ".join(need + ["indicator"]),
                )
            ],
            title="1 problem(s) in the readiness table",
        )
    df = assessments.copy()
    if "indicator" not in df.columns:
        df["indicator"] = None
    problems = []
    dim = df["dimension"]
    unknown = ~dim.isin(rub.dimension_names).to_numpy()
    if unknown.any():
        pos = np.flatnonzero(unknown)[:_MAX_SHOWN]
        problems.append(
            Problem(
                f"{int(unknown.sum())} row(s) with a dimension the rubric '{rub.name}' does not have",
                column="dimension",
                rows=tuple(int(p) + 2 for p in pos),
                values=tuple(dim.to_numpy()[pos].tolist()),
                allowed=", ".join(rub.dimension_names),
            )
        )
    ind_ok = np.ones(len(df), dtype=bool)
    for i, (d, ind) in enumerate(zip(dim.to_numpy(), df["indicator"].to_numpy())):
        if pd.isna(ind) or d not in rub.dimension_names:
            continue
        known = [n for n, _ in rub.dimension(d).indicators]
        if ind not in known:
            ind_ok[i] = False
    if not ind_ok.all():
        pos = np.flatnonzero(~ind_ok)[:_MAX_SHOWN]
        allowed = "; ".join(
            f"{d.name}: {', '.join(n for n, _ in d.indicators)}" for d in rub.dimensions
        )
        problems.append(
            Problem(
                f"{int((~ind_ok).sum())} row(s) with an indicator not in the rubric for its dimension",
                column="indicator",
                rows=tuple(int(p) + 2 for p in pos),
                values=tuple(f"{dim.iloc[p]}/{df['indicator'].iloc[p]}" for p in pos),
                allowed=allowed,
            )
        )
    values, _kinds = cell_numbers(df["score"])  # True is not a score of 1
    score = pd.Series(values, index=df.index)
    bad = (score.isna() | (score < rub.scale_min) | (score > rub.scale_max)).to_numpy()
    if bad.any():
        pos = np.flatnonzero(bad)[:_MAX_SHOWN]
        problems.append(
            Problem(
                f"{int(bad.sum())} score(s) outside the rubric's scale or not numbers",
                column="score",
                rows=tuple(int(p) + 2 for p in pos),
                values=tuple(df["score"].to_numpy()[pos].tolist()),
                allowed=f"{rub.scale_min:g}-{rub.scale_max:g}",
            )
        )
    dates = pd.to_datetime(df["assessed_on"], errors="coerce", format="ISO8601")
    problems += _blank_or_bad(df["assessed_on"], dates.isna(), "assessed_on", "dates YYYY-MM-DD")
    problems += _blank_or_bad(df["agency_id"], df["agency_id"].isna(), "agency_id", "a unit id")
    if problems:
        raise DataValidationError(
            problems, title=f"{len(problems)} problem(s) in the readiness table"
        )

    df["_norm"] = (score - rub.scale_min) / (rub.scale_max - rub.scale_min) * 100.0
    df["assessed_on"] = dates
    df["indicator"] = df["indicator"].astype(object).where(df["indicator"].notna(), "__dimension__")
    per_ind = df.groupby(["agency_id", "assessed_on", "dimension", "indicator"], sort=True)[
        "_norm"
    ].mean()
    per_ind = per_ind.reset_index()
    weight_of = {(d.name, n): w for d in rub.dimensions for n, w in d.indicators}
    per_ind["_w"] = [
        weight_of.get((d, i), 1.0) for d, i in zip(per_ind["dimension"], per_ind["indicator"])
    ]
    per_ind["_wx"] = per_ind["_w"] * per_ind["_norm"]
    dims = per_ind.groupby(["agency_id", "assessed_on", "dimension"], sort=True)[
        ["_wx", "_w"]
    ].sum()
    dim_score = (dims["_wx"] / dims["_w"]).unstack("dimension")
    dim_score = dim_score.reindex(columns=list(rub.dimension_names))
    W = np.array([d.weight for d in rub.dimensions])
    M = dim_score.to_numpy(dtype=float)
    index = (M * W).sum(axis=1) / W.sum()
    has_all = ~np.isnan(M).any(axis=1)
    index[~has_all] = np.nan
    out = dim_score.reset_index()
    out.columns.name = None
    out.insert(2, "readiness_index", index)
    lead = out[rub.leadership_dimension].to_numpy(dtype=float)
    out["leadership_commitment"] = lead
    out["low_leadership"] = pd.array(
        np.where(np.isnan(lead), None, lead < rub.leadership_threshold), dtype="boolean"
    )
    notes = []
    for row in M:
        miss = [n for n, m in zip(rub.dimension_names, np.isnan(row)) if m]
        notes.append(_note("not_assessed", dimensions=", ".join(miss)) if miss else None)
    out["note"] = pd.Series(notes, dtype="str")
    return out
