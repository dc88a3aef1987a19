"""Workload 9: event-study estimators and their sensitivity analyses (issue 13).

* Sun–Abraham interaction-weighted event study: ours against diff-diff
  ``SunAbraham`` and pyfixest ``event_study(estimator="saturated")`` with its
  cohort-share aggregation; every event-time estimate and its CR1 standard
  error compared (pyfixest: estimates only, its aggregated SE drops the
  covariance between cohorts).
* Borusyak–Jaravel–Spiess imputation: ours against diff-diff ``ImputationDiD``
  and did-imputation; every horizon's estimate, and the conservative SEs
  (without leave-out, as both peers; diff-diff also with leave-out).
* HonestDiD on the R README's Medicaid event study (``ehec_data`` from the
  moderndid wheel): FLCI under ΔSD(M) against honestdid and moderndid;
  ΔRM(M̄) C-LF against moderndid (honestdid's relative magnitudes fail on
  this input). The RM sets are inverted on a 1,000-point grid with a
  simulated critical value, so they agree to about a grid step, not 1e-6.
* Roth (2022) pre-trend power against diff-diff ``PreTrendsPower``.

Floor: the same numbers (1e-6 unless the note says otherwise) and at least as
fast as the fastest peer.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks._harness import Case
from benchmarks.staggered import generate


def _load(path: str):
    import pandas as pd

    return pd.read_parquet(path)


# ----------------------------------------------------------------------------- Sun–Abraham
def sa_ours(path: str) -> dict[str, float]:
    from innolab_analysis.estimators.sun_abraham import sun_abraham

    r = sun_abraham(_load(path), outcome="y", unit="id", time="t", cohort="g")
    out = {f"b{int(e)}": float(b) for e, b in zip(r.event.event_time, r.event.estimate)}
    out |= {f"se{int(e)}": float(s) for e, s in zip(r.event.event_time, r.event.std_error)}
    return out


def sa_diff_diff(path: str) -> dict[str, float]:
    import diff_diff as dd

    m = dd.SunAbraham(cluster="id").fit(
        _load(path), outcome="y", unit="id", time="t", first_treat="g"
    )
    es = m.event_study_effects
    out = {f"b{int(e)}": float(v["effect"]) for e, v in es.items() if int(e) != -1}
    out |= {f"se{int(e)}": float(v["se"]) for e, v in es.items() if int(e) != -1}
    return out


def sa_pyfixest(path: str) -> dict[str, float]:
    import pyfixest as pf

    fit = pf.event_study(
        data=_load(path), yname="y", idname="id", tname="t", gname="g", estimator="saturated"
    )
    agg = fit.aggregate(weighting="shares")
    return {f"b{int(e)}": float(v) for e, v in zip(agg.index, agg["Estimate"]) if int(e) != -1}


# ----------------------------------------------------------------------------- imputation
def imp_ours(path: str, leave_out: bool = False, se: bool = True) -> dict[str, float]:
    from innolab_analysis.estimators.imputation import imputation_did

    r = imputation_did(
        _load(path), outcome="y", unit="id", time="t", cohort="g", leave_out=leave_out,
        pretrends=0,
    )  # fmt: skip
    post = r.event[r.event.event_time >= 0]
    out = {f"b{int(e)}": float(b) for e, b in zip(post.event_time, post.estimate)}
    if se:
        out |= {f"se{int(e)}": float(s) for e, s in zip(post.event_time, post.std_error)}
    return out


def imp_ours_estimates(path: str) -> dict[str, float]:
    return imp_ours(path, se=False)


def imp_diff_diff(path: str, leave_out: bool = False) -> dict[str, float]:
    import diff_diff as dd

    m = dd.ImputationDiD(leave_one_out=leave_out).fit(
        _load(path), outcome="y", unit="id", time="t", first_treat="g", aggregate="event_study"
    )
    es = m.event_study_effects
    out = {f"b{int(e)}": float(v["effect"]) for e, v in es.items() if int(e) >= 0}
    out |= {f"se{int(e)}": float(v["se"]) for e, v in es.items() if int(e) >= 0}
    return out


def imp_did_imputation(path: str) -> dict[str, float]:
    import did_imputation as di

    df = _load(path)
    df["Ei"] = df["g"].where(df["g"] > 0)
    out = di.did_imputation(df, y="y", i="id", t="t", Ei="Ei", allhorizons=True, minn=0)
    return {f"b{int(k[3:])}": float(v) for k, v in out.estimates.items() if k.startswith("tau")}


# ----------------------------------------------------------------------------- HonestDiD
def _medicaid():
    import moderndid as md

    from innolab_analysis.estimators.sun_abraham import sun_abraham

    df = md.load_ehec().to_pandas()
    d = df[(df.year < 2016) & (df.yexp2.isna() | (df.yexp2 != 2015))].copy()
    d["g"] = d["yexp2"].fillna(0)
    return sun_abraham(d, outcome="dins", unit="stfips", time="year", cohort="g")


MS_SD = [0.0, 0.01, 0.02, 0.03]
MS_RM = [0.5, 1.0]


def hd_ours(restriction: str) -> dict[str, float]:
    from innolab_analysis.estimators.honest import honest_did

    es = _medicaid()
    h = honest_did(es, restriction=restriction, m=MS_SD if restriction == "smoothness" else MS_RM)
    return {
        f"{k}{m:g}": float(v)
        for m, lo, hi in h.robust.itertuples(index=False)
        for k, v in (("lb", lo), ("ub", hi))
    }


def hd_honestdid(restriction: str) -> dict[str, float]:
    import honestdid as hd

    e, b, V = _medicaid().event_vcov()
    res = hd.createSensitivityResults(
        betahat=b, sigma=V, numPrePeriods=5, numPostPeriods=2, Mvec=MS_SD
    )
    return {
        f"{k}{m:g}": float(v)
        for m, lo, hi in zip(res["M"], res["lb"], res["ub"])
        for k, v in (("lb", lo), ("ub", hi))
    }


def hd_moderndid(restriction: str) -> dict[str, float]:
    import moderndid.didhonest as mh

    e, b, V = _medicaid().event_vcov()
    if restriction == "smoothness":
        res = mh.create_sensitivity_results_sm(
            betahat=b, sigma=V, num_pre_periods=5, num_post_periods=2, m_vec=MS_SD
        )
        ms = res["m"].to_list()
    else:
        res = mh.create_sensitivity_results_rm(
            betahat=b, sigma=V, num_pre_periods=5, num_post_periods=2, m_bar_vec=MS_RM
        )
        ms = res["Mbar"].to_list()
    return {
        f"{k}{m:g}": float(v)
        for m, lo, hi in zip(ms, res["lb"].to_list(), res["ub"].to_list())
        for k, v in (("lb", lo), ("ub", hi))
    }


# ----------------------------------------------------------------------------- pre-trend power
def pt_ours(path: str) -> dict[str, float]:
    from innolab_analysis.estimators.pretrend import pretrend_power
    from innolab_analysis.estimators.sun_abraham import sun_abraham

    es = sun_abraham(_load(path), outcome="y", unit="id", time="t", cohort="g")
    return {"slope": float(pretrend_power(es, power=0.8).slope)}


def pt_diff_diff(path: str) -> dict[str, float]:
    import diff_diff as dd

    sa = dd.SunAbraham(cluster="id").fit(
        _load(path), outcome="y", unit="id", time="t", first_treat="g"
    )
    out = dd.PreTrendsPower(alpha=0.05, power=0.8, violation_type="linear").fit(sa)
    return {"slope": float(out.mdv)}


def cases(workdir: Path, quick: bool):
    sizes = [(1500, 31)] if quick else [(1500, 31), (20000, 40)]
    out = []
    for n, t in sizes:
        path = str(generate(workdir, n, t))
        label = f"{n:,} units × {t} periods"
        big = n > 5000
        rep = 1 if big else 3
        name = "Sun–Abraham event study (never treated, CR1 by unit)"
        out.append(
            [
                Case(name, label, "ours (sun_abraham)", "benchmarks.event:sa_ours", {"path": path}),
                Case(name, label, "diff-diff SunAbraham", "benchmarks.event:sa_diff_diff",
                     {"path": path}, repeats=rep, floor=1.0, timeout=1800,
                     note="estimates and SEs"),
                Case(name, label, "pyfixest saturated (shares)", "benchmarks.event:sa_pyfixest",
                     {"path": path}, repeats=1 if big else rep, floor=1.0, timeout=1800,
                     note="estimates only"),
            ]
        )  # fmt: skip
        name = "Imputation DiD (BJS), every horizon"
        out.append(
            [
                Case(name, label, "ours (imputation_did, no leave-out)", "benchmarks.event:imp_ours", {"path": path}),
                Case(name, label, "diff-diff ImputationDiD", "benchmarks.event:imp_diff_diff",
                     {"path": path}, repeats=rep, floor=1.0, timeout=1800, note="estimates and SEs"),
            ]
        )  # fmt: skip
        out.append(
            [
                Case(name + ", leave-out SEs", label, "ours (imputation_did, leave-out)",
                     "benchmarks.event:imp_ours", {"path": path, "leave_out": True}),
                Case(name + ", leave-out SEs", label, "diff-diff ImputationDiD(leave_one_out=True)",
                     "benchmarks.event:imp_diff_diff", {"path": path, "leave_out": True},
                     repeats=rep, floor=1.0, timeout=1800),
            ]
        )  # fmt: skip
    small = str(generate(workdir, 500, 12))
    name = "Imputation DiD (BJS), every horizon"
    out.append(
        [
            Case(name, "500 units × 12 periods", "ours (imputation_did, estimates)",
                 "benchmarks.event:imp_ours_estimates", {"path": small}),
            Case(name, "500 units × 12 periods", "did-imputation", "benchmarks.event:imp_did_imputation",
                 {"path": small}, repeats=1, floor=1.0, timeout=1800,
                 note="estimates (its fixed effects are solved iteratively by pyhdfe); a smaller "
                 "panel because it took over 20 minutes on 1,500 × 31"),
        ]
    )  # fmt: skip
    name = "HonestDiD FLCI, ΔSD(M), M = 0 … 0.03"
    label = "R README Medicaid event study (5 pre, 2 post)"
    out.append(
        [
            Case(name, label, "ours (honest_did)", "benchmarks.event:hd_ours", {"restriction": "smoothness"}),
            Case(name, label, "honestdid", "benchmarks.event:hd_honestdid", {"restriction": "smoothness"},
                 floor=1.0, tol=5e-5, note="tolerance 5e-5: honestdid simulates the folded-normal quantile"),
            Case(name, label, "moderndid", "benchmarks.event:hd_moderndid", {"restriction": "smoothness"},
                 floor=1.0, tol=1e-5, repeats=1),
        ]
    )  # fmt: skip
    name = "HonestDiD ΔRM(M̄) C-LF, M̄ = 0.5, 1"
    out.append(
        [
            Case(name, label, "ours (honest_did)", "benchmarks.event:hd_ours", {"restriction": "relative_magnitude"}),
            Case(name, label, "moderndid", "benchmarks.event:hd_moderndid", {"restriction": "relative_magnitude"},
                 floor=1.0, tol=5e-4, repeats=1, timeout=3600,
                 note="tolerance 5e-4 (≈ one grid step): simulated least-favourable critical values"),
        ]
    )  # fmt: skip
    name = "Pre-trend power (Roth 2022), linear slope at 80%, Sun–Abraham event study"
    path = str(generate(workdir, 1500, 8))
    kw = {"path": path}
    out.append(
        [
            Case(name, "1,500 units × 8 periods (6 pre-periods)", "ours (sun_abraham + pretrend_power)",
                 "benchmarks.event:pt_ours", kw),
            Case(name, "1,500 units × 8 periods (6 pre-periods)", "diff-diff SunAbraham + PreTrendsPower",
                 "benchmarks.event:pt_diff_diff", kw, floor=1.0, tol=1e-4,
                 note="tolerance 1e-4: both integrate the normal rectangle probability numerically"),
        ]
    )  # fmt: skip
    return out
