"""Workload 2: Callaway–Sant'Anna staggered DiD, analytic standard errors.

Peers: csdid, differences, moderndid (all ``est_method="dr"``, never-treated
controls, varying base period). Floor: estimates equal to 1e-6 and faster
than the fastest peer.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks._harness import Case


def generate(workdir: Path, n_units: int, n_periods: int, seed: int = 0) -> Path:
    """Balanced panel with staggered adoption, heterogeneous dynamic effects, one covariate."""
    import pandas as pd

    path = workdir / f"staggered_{n_units}x{n_periods}.parquet"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    cohorts = np.array([0] + list(range(n_periods // 3, n_periods, max(1, n_periods // 6))))
    g = rng.choice(cohorts, n_units)
    unit = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(1, n_periods + 1), n_units)
    gg = np.repeat(g, n_periods)
    x = np.repeat(rng.normal(size=n_units), n_periods)
    alpha = np.repeat(rng.normal(size=n_units), n_periods)
    e = np.where((gg > 0) & (t >= gg), t - gg + 1, 0)
    y = alpha + 0.05 * t + 0.5 * x + 0.1 * x * t / n_periods + 0.2 * e + rng.normal(size=len(t))
    pd.DataFrame({"id": unit, "t": t, "g": gg, "x": x, "y": y}).to_parquet(path)
    return path


def _load(path: str):
    import pandas as pd

    return pd.read_parquet(path)


def ours(path: str, covariate: bool) -> dict[str, float]:
    from innolab_analysis.estimators.staggered import staggered_did

    df = _load(path)
    res = staggered_did(
        df, outcome="y", unit="id", time="t", cohort="g",
        covariates=["x"] if covariate else None, method="dr",
    )  # fmt: skip
    a = res.att_gt
    return {f"{int(g)}|{int(t)}": float(v) for g, t, v in zip(a["cohort"], a["time"], a["att"])}


def csdid(path: str, covariate: bool) -> dict[str, float]:
    from csdid.att_gt import ATTgt

    df = _load(path)
    r = ATTgt(
        yname="y", gname="g", idname="id", tname="t", data=df,
        xformla="y~x" if covariate else None,
    ).fit(est_method="dr", bstrap=False)  # fmt: skip
    res = r.results
    return {
        f"{int(g)}|{int(t)}": float(v) for g, t, v in zip(res["group"], res["year"], res["att"])
    }


def differences(path: str, covariate: bool) -> dict[str, float]:
    from differences import ATTgt

    df = _load(path)
    df["g2"] = df["g"].where(df["g"] > 0)
    res = ATTgt(data=df.set_index(["id", "t"]), cohort_column="g2").fit(
        formula="y ~ x" if covariate else "y", est_method="dr", progress_bar=False
    )
    p = res.to_pandas()
    att = p[("ATTgtElements", "", "ATT")]
    return {f"{int(g)}|{int(t)}": float(v) for (g, _, t), v in zip(att.index, att.to_numpy())}


def moderndid(path: str, covariate: bool) -> dict[str, float]:
    import moderndid as md

    df = _load(path)
    m = md.att_gt(
        data=df, yname="y", tname="t", idname="id", gname="g", est_method="dr", boot=False,
        xformla="~x" if covariate else None,
    )  # fmt: skip
    return {f"{int(g)}|{int(t)}": float(v) for g, t, v in zip(m.groups, m.times, m.att_gt)}


def cases(workdir: Path, quick: bool):
    sizes = [(1500, 31)] if quick else [(1500, 31), (20000, 40)]
    out = []
    for n, t in sizes:
        path = str(generate(workdir, n, t))
        for cov in (False, True):
            label = f"{n:,} units × {t} periods, {'1 covariate' if cov else 'no covariates'}"
            name = "Staggered DiD (CS, dr)"
            kw = {"path": path, "covariate": cov}
            group = [Case(name, label, "ours (staggered_did)", "benchmarks.staggered:ours", kw)]
            for peer in ("csdid", "differences", "moderndid"):
                group.append(
                    Case(
                        name,
                        label,
                        peer,
                        f"benchmarks.staggered:{peer}",
                        kw,
                        repeats=1 if n > 5000 else 3,
                        floor=1.0,
                    )
                )
            out.append(group)
    return out
