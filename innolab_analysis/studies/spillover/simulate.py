"""A seeded regions panel with a planted growth linkage, for tests, examples and teaching."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from innolab_analysis.studies.spillover.facts import COVID_YEAR, GERBANGKERTOSUSILA

__all__ = ["simulate_spillover_panel"]


def simulate_spillover_panel(
    *,
    seed: int = 0,
    start: int = 2010,
    end: int = 2024,
    first_post_year: int = 2018,
    elasticity_before: float = 0.4,
    elasticity_after: float = 0.9,
    n_other: int = 20,
    noise: float = 0.3,
    with_sectors: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame | None, dict[str, Any]]:
    """A seeded regions panel (and pdrb_sectors) with a planted growth linkage.

    The core grows at 6 % ± 1 (−5 % in 2020); the satellite's growth is
    ``1.5 + β·g_core + noise`` with β = ``elasticity_before`` before
    ``first_post_year`` and ``elasticity_after`` from then on. Other regions
    (the Gerbangkertosusila members and ``n_other`` invented codes 3501…) grow
    with their own noise around a common factor. Travel time to the core drops
    from 120 to 45 minutes in ``first_post_year``. Figures are invented, not BPS.

    Returns
    -------
    (DataFrame, DataFrame or None, dict)
        The ``regions`` table, the ``pdrb_sectors`` table (None unless
        ``with_sectors``) and the truth (elasticities, first post year).

    Examples
    --------
    >>> panel, sectors, truth = simulate_spillover_panel(seed=3)
    >>> truth["elasticity_after"], int(panel["year"].min()), int(panel["year"].max())
    (0.9, 2010, 2024)
    """
    rng = np.random.default_rng(seed)
    years = np.arange(start, end + 1)
    T = len(years)
    common = 5.0 + rng.normal(0, 1.0, T)
    common[years == COVID_YEAR] = -4.0
    g_core = 6.0 + rng.normal(0, 1.0, T)
    g_core[years == COVID_YEAR] = -5.0
    beta = np.where(years >= first_post_year, elasticity_after, elasticity_before)
    g_sat = 1.5 + beta * g_core + rng.normal(0, noise, T)
    codes = {c: n for c, n in GERBANGKERTOSUSILA.items()}
    others = {f"{3501 + i}": f"Kabupaten Contoh {i + 1}" for i in range(n_other)}
    rows = []
    for code, name in {**codes, **others}.items():
        if code == "3578":
            g, level0, pop0 = g_core, 250_000.0, 2_770_000.0
        elif code == "3576":
            g, level0, pop0 = g_sat, 3_500.0, 120_000.0
        else:
            g = common + rng.normal(0, 0.8, T)
            level0, pop0 = float(rng.uniform(8_000, 90_000)), float(rng.uniform(3e5, 2.5e6))
        level = level0 * np.cumprod(1 + np.r_[0.0, g[1:]] / 100)
        pop = pop0 * 1.008 ** np.arange(T)
        kind = "kota" if name.startswith("Kota") else "kabupaten"
        tt = (
            np.where(years >= first_post_year, 45.0, 120.0)
            if code == "3576"
            else np.full(T, np.nan)
        )
        for i, y in enumerate(years):
            rows.append(
                {
                    "region_code": code,
                    "region_name": name,
                    "kind": kind,
                    "year": int(y),
                    "pdrb_adhb": level[i] * (1.04**i),
                    "pdrb_adhk": level[i],
                    "population": pop[i],
                    "ipm": np.nan,
                    "ipm_method": None,
                    "distance_km": 50.0 if code == "3576" else np.nan,
                    "travel_time_min": tt[i],
                }
            )
    panel = pd.DataFrame(rows)
    sectors = None
    if with_sectors:
        from innolab_analysis.data.tables import PDRB_SECTORS

        codes_s = list(PDRB_SECTORS)
        srows = []
        for code, g in panel.groupby("region_code"):
            w = rng.dirichlet(np.ones(len(codes_s)) * 2)
            drift = rng.normal(0, 0.01, len(codes_s))
            for _, r in g.iterrows():
                t = r["year"] - start
                sh = w * np.exp(drift * t)
                sh = sh / sh.sum()
                for s, v in zip(codes_s, sh):
                    srows.append(
                        {
                            "region_code": code,
                            "year": int(r["year"]),
                            "sector": s,
                            "pdrb_adhb": v * r["pdrb_adhb"],
                            "pdrb_adhk": v * r["pdrb_adhk"],
                        }
                    )
        sectors = pd.DataFrame(srows)
    truth = {
        "elasticity_before": elasticity_before,
        "elasticity_after": elasticity_after,
        "first_post_year": first_post_year,
        "seed": seed,
    }
    return panel, sectors, truth
