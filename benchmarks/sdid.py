"""Workload 7: synthetic DiD on California Prop 99 (39 states × 31 years), fit and placebo SE.

Peers: diff-diff 3.13 (``SyntheticDiD``, Rust backend) and synthdid-py 0.1 (a line-by-line
port of R ``synthdid``). The result compared is the SDID estimate and, with diff-diff (same
NumPy generator and seed, 200 placebo shuffles), the placebo standard error. Our default
refits SC and DiD in every draw too (their SEs in ``.comparison``); ``comparison_se=False``
refits SDID alone, as diff-diff does.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks._harness import Case

NOTES = """
Before (2026-12-01 12:11, same harness): ours 0.617 s for the point estimate (diff-diff 0.108 s,
ratio 5.71) and 4.558 s with 200 placebo draws (diff-diff 2.616 s, ratio 1.74). pyinstrument showed
about 90 % of the point estimate in the Python Frank–Wolfe loop (the unit-weight problems of SDID and SC
run up to R's 10,000 iterations) and 93 % of the placebo run in the batched numpy version of the
same loop. Now the loop is compiled by numba with R's iterations unchanged, so the numbers did not
move: the estimate −15.60382785598106 is bitwise the same as before, the seeded placebo SE moved by
8e-14 (10.912483305124459 → 10.91248330512454).
"""


def _prop99():
    from importlib.metadata import distribution

    import pandas as pd

    return pd.read_csv(
        distribution("scspill").locate_file("scspill/data/files/california_panel.csv")
    )


def ours(se: bool, comparison_se: bool = True) -> dict[str, float]:
    from innolab_analysis.estimators.sdid import synthetic_did

    res = synthetic_did(
        _prop99(), outcome="cigsale", unit="state", time="year", treated_unit="California",
        intervention=1989, se="placebo" if se else "none", replications=200, seed=1,
        comparison_se=comparison_se,
    )  # fmt: skip
    out = {"estimate": res.estimate}
    if se:
        out["se"] = res.std_error
    return out


def diff_diff(se: bool) -> dict[str, float]:
    from diff_diff import SyntheticDiD

    df = _prop99()
    df["tr"] = (df["state"] == "California").astype(int)
    fit = SyntheticDiD(variance_method="placebo", n_bootstrap=200 if se else 2, seed=1).fit(
        df, outcome="cigsale", treatment="tr", unit="state", time="year",
        post_periods=list(range(1989, 2001)),
    )  # fmt: skip
    out = {"estimate": float(fit.att)}
    if se:
        out["se"] = float(fit.se)
    return out


def synthdid_py() -> dict[str, float]:
    import synthdid as sd

    df = _prop99()
    df["tr"] = ((df["state"] == "California") & (df["year"] >= 1989)).astype(int)
    s = sd.panel_matrices(df, unit="state", time="year", outcome="cigsale", treatment="tr")
    return {"estimate": float(sd.synthdid_estimate(s.Y, s.N0, s.T0))}


def cases(workdir: Path, quick: bool):
    size = "39 states × 31 years"
    return [
        [
            Case("SDID point estimate", size, "ours (synthetic_did, se='none')",
                 "benchmarks.sdid:ours", {"se": False}),
            Case("SDID point estimate", size, "synthdid-py (R port)",
                 "benchmarks.sdid:synthdid_py", {}, floor=1.0),
            Case("SDID point estimate", size, "diff-diff (2 placebo draws)",
                 "benchmarks.sdid:diff_diff", {"se": False}, floor=1.0,
                 note="diff-diff cannot skip its variance; 2 draws is its minimum"),
        ],
        [
            Case("SDID + placebo SE (200 draws, seed 1)", size,
                 "ours (synthetic_did, SC and DiD refitted too)", "benchmarks.sdid:ours",
                 {"se": True}),
            Case("SDID + placebo SE (200 draws, seed 1)", size, "diff-diff (Rust backend)",
                 "benchmarks.sdid:diff_diff", {"se": True}, floor=1.0,
                 note="same shuffles: the SE must agree"),
        ],
        [
            Case("SDID + placebo SE (200 draws, seed 1), SDID alone", size,
                 "ours (synthetic_did, comparison_se=False)", "benchmarks.sdid:ours",
                 {"se": True, "comparison_se": False}),
            Case("SDID + placebo SE (200 draws, seed 1), SDID alone", size,
                 "diff-diff (Rust backend)", "benchmarks.sdid:diff_diff", {"se": True},
                 floor=1.0, note="like for like: diff-diff refits SDID alone"),
        ],
    ]  # fmt: skip
