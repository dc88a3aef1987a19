"""Workload 3: two-way fixed effects on one million rows with unit and time effects.

Peers: pyfixest ``feols("y ~ d | id + t")`` (warm: one untimed call first, so its
numba compilation is not counted) and linearmodels ``PanelOLS`` with entity
and time effects. Floors: at most 2× pyfixest (warm), faster than linearmodels.
Only the coefficient is compared: the clustered standard errors follow
different small-sample conventions by design (see the se_type of our result).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks._harness import Case


def generate(workdir: Path, n_units: int, n_periods: int, seed: int = 0) -> Path:
    import pandas as pd

    path = workdir / f"twfe_{n_units}x{n_periods}.parquet"
    if path.exists():
        return path
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(n_units), n_periods)
    t = np.tile(np.arange(n_periods), n_units)
    start = np.repeat(rng.integers(n_periods // 4, n_periods * 2, n_units), n_periods)
    d = (t >= start).astype(np.float64)
    y = (
        np.repeat(rng.normal(size=n_units), n_periods)
        + rng.normal(size=n_periods)[t]
        + 1.5 * d
        + rng.normal(size=len(t))
    )
    pd.DataFrame({"id": unit, "t": t, "d": d, "y": y}).to_parquet(path)
    return path


def ours(path: str) -> list[float]:
    import pandas as pd

    from innolab_analysis.estimators.twfe import twfe

    df = pd.read_parquet(path)
    res = twfe(df, outcome="y", treatment="d", unit="id", time="t")
    return [float(res.estimate)]


def pyfixest(path: str) -> list[float]:
    import pandas as pd
    import pyfixest as pf

    df = pd.read_parquet(path)
    fit = pf.feols("y ~ d | id + t", data=df, vcov={"CRV1": "id"}, store_data=False)
    return [float(fit.coef()["d"])]


def linearmodels(path: str) -> list[float]:
    import pandas as pd
    from linearmodels.panel import PanelOLS

    df = pd.read_parquet(path).set_index(["id", "t"])
    fit = PanelOLS(df["y"], df[["d"]], entity_effects=True, time_effects=True).fit(
        cov_type="clustered", cluster_entity=True
    )
    return [float(fit.params["d"])]


def cases(workdir: Path, quick: bool):
    n_units, n_periods = (10_000, 20) if quick else (50_000, 20)
    path = str(generate(workdir, n_units, n_periods))
    size = f"{n_units * n_periods:,} rows ({n_units:,} units × {n_periods} periods)"
    name = "TWFE, unit + time effects, clustered by unit"
    return [
        [
            Case(name, size, "ours (twfe)", "benchmarks.twfe:ours", {"path": path}, warmup=1),
            Case(
                name,
                size,
                "pyfixest (warm)",
                "benchmarks.twfe:pyfixest",
                {"path": path},
                warmup=1,
                floor=2.0,
                tol=1e-8,
            ),
            Case(
                name,
                size,
                "linearmodels",
                "benchmarks.twfe:linearmodels",
                {"path": path},
                floor=1.0,
                tol=1e-8,
            ),
        ]
    ]
