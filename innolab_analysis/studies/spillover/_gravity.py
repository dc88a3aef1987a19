"""The gravity interaction between the core and the satellite, year by year."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innolab_analysis.metrics.regional import gravity_interaction

__all__ = ["core_satellite_gravity", "has_travel_times"]


def has_travel_times(reg: pd.DataFrame, satellite: str) -> bool:
    """Whether the satellite has a finite ``travel_time_min`` in every year."""
    if "travel_time_min" not in reg.columns:
        return False
    tt = reg.loc[reg["region_code"] == satellite, "travel_time_min"].astype(float)
    return bool(len(tt)) and bool(np.isfinite(tt).all())


def core_satellite_gravity(
    reg: pd.DataFrame,
    satellite: str,
    core: str,
    first_post_year: int,
    *,
    mass: str,
    exponent: float,
) -> tuple[pd.DataFrame, float]:
    """Interaction ``P_core · P_sat / t^b`` per year and the ratio of its means after/before.

    Returns
    -------
    (DataFrame, float)
        ``year, mass_core, mass, distance, interaction, post`` (distance = travel time in
        minutes) and mean post-event interaction / mean pre-event interaction.
    """
    pair = reg.loc[reg["region_code"].isin([satellite, core])]
    masses = ["population"] if mass == "population" else ["population", "pdrb_adhk"]
    g = gravity_interaction(
        pair, mass=masses, distance="travel_time_min", core=core, time="year", exponent=exponent
    )
    g = g.drop(columns="region_code").assign(post=lambda d: d["year"] >= first_post_year)
    ratio = float(g.loc[g["post"], "interaction"].mean() / g.loc[~g["post"], "interaction"].mean())
    return g, ratio
