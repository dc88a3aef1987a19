"""The default study's computations and figures in one plain Python process.

What ``innolab run params/mojokerto.yaml`` computes in its five notebooks, done
with the same public calls in one interpreter: no kernel, no papermill, no HTML
page. Each notebook's part loads the study, computes its bundle, writes its text
sections, renders its tables as HTML and its figures as PNG (as the notebook's
inline backend does: ``bbox_inches="tight"``), and records its effect rows; the
comparative synthesis reads them back. The study is loaded once (a script
would), the imports are paid once.

``python -m benchmarks.plain_study PARAMS OUT`` runs it; the end-to-end
workload of ``make bench`` (:mod:`benchmarks.study`) times it against
``innolab run PARAMS --force`` (floor: at most 1.3×).

Keep it in step with the notebooks: one function per notebook, the calls the
notebook makes, in its order. When a notebook moves to ``res.markdown`` /
``res.table`` / ``res.figure`` and ``ia.record_results``, change its function
here the same way.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

__all__ = ["NOTEBOOKS", "run_plain"]


def _png(fig=None) -> int:
    """Render the given figure (or every open one) to PNG as the inline backend does."""
    import matplotlib.pyplot as plt

    figures = (
        [getattr(fig, "figure", fig)] if fig is not None else map(plt.figure, plt.get_fignums())
    )
    size = 0
    for f in list(figures):
        buf = io.BytesIO()
        f.savefig(buf, format="png", bbox_inches="tight", facecolor=f.get_facecolor())
        size += buf.tell()
        plt.close(f)
    return size


def _html(table) -> int:
    """A table as the notebook displays it (a Styler or DataFrame's HTML)."""
    return len(table._repr_html_() if hasattr(table, "_repr_html_") else table.to_html())


def service_quality(study, p: dict[str, Any], out: Path) -> None:
    from innolab_analysis.studies._narrative import label_columns
    from innolab_analysis.studies.effects import record_effects
    from innolab_analysis.studies.service import service_quality as compute

    lang = p["language"]
    sq = compute(
        study, start_year=p["start_year"], end_year=p["end_year"], standard=p["standard"],
        frequency=p["frequency"], bootstrap=p["bootstrap"], seed=20240101,
    )  # fmt: skip
    for section in ("data", "city", "agencies", "elements", "sample"):
        sq.markdown(section, lang)
    _html(label_columns(sq.city_table(lang), lang).style.hide(axis="index").format(precision=2))
    _png(sq.plot_agencies(language=lang))
    _png(sq.plot_elements(language=lang))
    if sq.adequacy is not None:
        _html(label_columns(sq.adequacy, lang).style.hide(axis="index"))
    record_effects(sq.effect_rows(out.name), out, notebook="service_quality")


def innovation_portfolio(study, p: dict[str, Any], out: Path) -> None:
    import matplotlib.pyplot as plt

    from innolab_analysis.metrics.plots import plot_coverage, plot_funnel
    from innolab_analysis.studies._narrative import label_columns
    from innolab_analysis.studies.portfolio import innovation_portfolio as compute

    lang = p["language"]
    pf = compute(study, start_year=p["start_year"], end_year=p["end_year"], rubric=p["rubric"])
    for section in ("coverage", "flow", "funnel", "mix", "speed", "survival", "readiness"):
        pf.markdown(section, lang)
    _png(plot_coverage(pf.coverage, language=lang))
    _html(label_columns(pf.flow, lang).style.hide(axis="index"))
    fig, ax = plt.subplots(figsize=(8, 4), layout="constrained")
    plot_funnel(pf.funnel, language=lang, ax=ax)
    _png(fig)
    mix = pf.mix.assign(share=pf.mix["share"].map("{:.0%}".format))
    _html(label_columns(mix, lang).style.hide(axis="index"))
    _html(label_columns(pf.survival, lang).style.hide(axis="index").format(precision=3))
    if pf.readiness is not None:
        pf.plot_readiness(language=lang)
        _png()


def innovation_impact(study, p: dict[str, Any], out: Path) -> None:
    import matplotlib.pyplot as plt

    from innolab_analysis.studies.effects import record_effects
    from innolab_analysis.studies.impact import impact_study

    lang = p["language"]
    res = impact_study(
        study, outcome=p["outcome"], frequency=p["frequency"], control_group=p["control_group"],
        method=p["method"], its_agency=p["its_agency"], n_boot=p["n_boot"], seed=p["seed"],
        mde=p["mde"],
    )  # fmt: skip
    for section in ("data", "staggered", "event_study", "twfe", "its", "heterogeneity", "mde",
                    "confounders", "diagnostics"):  # fmt: skip
        res.markdown(section, lang)
    figures = [
        ((7, 4), res.groups.plot),
        ((9, 4.5), res.event_study.plot),
        ((7, 4.5), res.bacon.plot if res.bacon is not None else None),
        ((9, 4), res.its.plot if res.its is not None else None),
        ((7, 4.5), res.plot_agency_effects if res.moderation is not None else None),
        ((7, 4), res.mde.plot if res.mde is not None else None),
    ]
    for size, draw in figures:
        if draw is not None:
            fig, ax = plt.subplots(figsize=size, layout="constrained")
            draw(ax=ax, language=lang)
            _png(fig)
    record_effects(res.effect_rows(out.name), out, notebook="innovation_impact")


def city_spillover(study, p: dict[str, Any], out: Path) -> None:
    from innolab_analysis.studies.effects import record_effects
    from innolab_analysis.studies.spillover import regional_context, spillover_study

    lang = p["language"]
    result = spillover_study(
        study, satellite=p["satellite"], core=p["core"], event=p["event"],
        donors=p["donors"] or None, exclude_gerbangkertosusila=p["exclude_gerbangkertosusila"],
        start=p["start_year"], end=p["end_year"], covid=p["covid"],
    )  # fmt: skip
    for section in ("design", "verdict", "linkage", "synth", "gravity", "capture", "diagnostics"):
        result.markdown(section, lang)
    _png(result.plot(kind="linkage", language=lang))
    _html(result.terms_table(lang))
    if result.synth is not None:
        _png(result.plot(kind="synth", language=lang))
    if result.gravity is not None:
        _png(result.plot(kind="gravity", language=lang))
    if result.has_sectors:
        _png(result.plot(kind="sectors", language=lang))
    _html(result.trends_table(lang))
    context = regional_context(study, satellite=result.satellite, start=p["start_year"],
                               end=p["end_year"])  # fmt: skip
    context.markdown(lang)
    _png(context.plot(language=lang))
    rows = result.effect_rows(study=out.name, unit=result.satellite, level="city")
    record_effects(rows, out, notebook="city_spillover")


def comparative_synthesis(study, p: dict[str, Any], out: Path) -> None:
    from innolab_analysis.studies.effects import collect_effects
    from innolab_analysis.studies.synthesis import comparative_synthesis as compute

    lang = p["language"]
    synthesis = compute(collect_effects(out.parent), source=str(out.parent))
    for section in ("studies", "designs", "ranking", "reconciliation"):
        synthesis.markdown(section, lang)
    if len(synthesis.designs):
        _png(synthesis.plot_designs(language=lang))
    if synthesis.ranking is not None:
        _html(synthesis.ranking.style.hide(axis="index").format(precision=2))
        _png(synthesis.plot_agencies(language=lang))
    if len(synthesis.reconciliation):
        _html(synthesis.reconciliation.style.hide(axis="index").format(precision=2))


NOTEBOOKS = {
    "service_quality": service_quality,
    "innovation_portfolio": innovation_portfolio,
    "innovation_impact": innovation_impact,
    "city_spillover": city_spillover,
    "comparative_synthesis": comparative_synthesis,
}
"""Notebook name → the same computations in plain Python (the study's notebook order)."""


def run_plain(params: str | Path, out: str | Path) -> list[str]:
    """Run the study of ``params`` in this process, effect rows to ``<out>/<study>/effects``.

    Returns the notebooks it ran (those of the parameter file that this script knows).
    """
    import matplotlib

    matplotlib.use("agg")
    from innolab_analysis.data.study import load_study
    from innolab_analysis.reports.params import load_params

    cfg = load_params(params)
    folder = Path(out) / cfg.study
    folder.mkdir(parents=True, exist_ok=True)
    study = load_study(cfg.data_dir)
    ran = []
    for nb in cfg.notebooks:
        if nb in NOTEBOOKS:
            NOTEBOOKS[nb](study, cfg.notebook_parameters(nb, folder), folder)
            ran.append(nb)
    return ran


if __name__ == "__main__":  # pragma: no cover
    print(", ".join(run_plain(sys.argv[1], sys.argv[2])))
