"""The regional side of the demo: Jawa Timur kabupaten/kota panel and PDRB by sector.

Growth (ADHK, % per year) of each region r in year y:

* Kota Surabaya: published LPE 2018–2024 (domain.md §4.5); 2011–2017 simulated.
* Kota Mojokerto: ``g = a + b * g_Surabaya + e`` with (a, b) = (2.9, 0.45) before 2018
  and (0.3, 0.80) from 2018 (the toll road fully opened 2017-12-19); e ~ N(0, 0.3²);
  2020 and 2022 are replaced by the published LPE (−3.69 %, 5.56 %).
* Other Gerbangkertosusila members: ``g = a_r + b_r * g_Surabaya + (1 - b_r) * c_y + e``.
* Every other region: ``g = a_r + c_y + e`` (no spillover from Surabaya; ``c_y`` is the
  province-wide common component, published Jatim LPE 2020–2022, simulated otherwise).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from innolab_analysis.data.tables import PDRB_SECTORS
from innolab_analysis.demo._catalog import GKS_SPILLOVER, POPULATION_2010, REGIONS

YEARS = np.arange(2010, 2025)
SURABAYA, KOTA_MOJOKERTO, KAB_MOJOKERTO = "3578", "3576", "3516"
PROVINCE = ("3500", "Provinsi Jawa Timur", "provinsi")

SBY_LPE = {2018: 6.19, 2019: 6.09, 2020: -4.85, 2021: 4.29, 2022: 6.51, 2023: 5.70, 2024: 5.76}
SBY_ADHK_2020 = 390_930.0
SBY_ADHB = {2020: 554_510.0, 2021: 590_220.0, 2022: 655_610.0, 2024: 772_490.0}
JATIM_LPE = {2020: -2.33, 2021: 3.57, 2022: 5.36}
KM_LPE = {2020: -3.69, 2022: 5.56}
KM_ADHK_2022 = 5_390.0
KM_ADHB = {2013: 4_040.0, 2017: 5_850.0, 2023: 8_400.0}
KABMJK_LPE = {2022: 5.82, 2023: 5.15}
KABMJK_ADHK_2023, KABMJK_ADHB_2023 = 66_980.0, 104_360.0
KM_ELASTICITY = {"before": 0.45, "after": 0.80, "intercept_before": 2.9, "intercept_after": 0.3}
BREAK_YEAR = 2018
KM_NOISE_SD = 0.3

IPM_ANCHORS = {  # (region, year): (value, method)
    (SURABAYA, 2016): 80.38,
    (SURABAYA, 2017): 81.07,
    (SURABAYA, 2022): 82.74,
    (SURABAYA, 2023): 83.99,
    (SURABAYA, 2024): 84.69,
    (KOTA_MOJOKERTO, 2023): 80.90,
}
JATIM_IPM = {2019: 71.50, 2020: 73.04, 2023: 74.65, 2024: 75.35}

# Rough SP2010 magnitudes for the regions without a published figure in domain.md (simulated).
_POP_ROUGH = {
    "3501": 540e3,
    "3502": 855e3,
    "3503": 675e3,
    "3504": 990e3,
    "3505": 1116e3,
    "3506": 1499e3,
    "3507": 2446e3,
    "3508": 1006e3,
    "3509": 2332e3,
    "3510": 1556e3,
    "3511": 736e3,
    "3512": 647e3,
    "3513": 1096e3,
    "3514": 1512e3,
    "3517": 1202e3,
    "3518": 1017e3,
    "3519": 662e3,
    "3520": 620e3,
    "3521": 817e3,
    "3522": 1209e3,
    "3523": 1118e3,
    "3527": 877e3,
    "3528": 795e3,
    "3529": 1042e3,
    "3571": 268e3,
    "3572": 132e3,
    "3573": 820e3,
    "3574": 217e3,
    "3575": 186e3,
    "3577": 171e3,
    "3579": 190e3,
}

# Sector profiles (% of PDRB, order of PDRB_SECTORS).
_PROFILES = {
    "surabaya": [
        0.1,
        0.01,
        19.0,
        0.3,
        0.1,
        9.5,
        28.0,
        4.0,
        16.0,
        5.0,
        4.5,
        2.5,
        2.5,
        1.7,
        2.7,
        1.0,
        2.1,
    ],
    "jasa": [
        2.0,
        0.01,
        8.0,
        0.2,
        0.2,
        12.0,
        26.0,
        3.5,
        9.0,
        6.0,
        6.0,
        4.0,
        1.2,
        6.0,
        7.0,
        3.0,
        3.5,
    ],
    "industri": [
        6.0,
        1.0,
        45.0,
        0.3,
        0.1,
        9.0,
        16.0,
        3.0,
        3.0,
        3.0,
        2.5,
        2.0,
        0.6,
        2.0,
        3.0,
        0.8,
        1.5,
    ],
    "kabmojokerto": [
        5.0,
        0.8,
        57.2,
        0.2,
        0.1,
        8.0,
        11.0,
        2.5,
        2.0,
        2.5,
        1.8,
        1.6,
        0.4,
        1.7,
        2.5,
        0.7,
        1.2,
    ],
    "agraris": [
        30.0,
        2.0,
        12.0,
        0.1,
        0.1,
        9.0,
        17.0,
        3.0,
        3.0,
        4.0,
        2.0,
        2.0,
        0.4,
        4.0,
        5.0,
        1.0,
        1.5,
    ],
    "campuran": [
        18.0,
        1.0,
        25.0,
        0.2,
        0.1,
        9.0,
        18.0,
        3.0,
        4.0,
        4.0,
        2.5,
        2.0,
        0.5,
        3.0,
        4.5,
        1.0,
        1.5,
    ],
    "tambang": [
        18.0,
        25.0,
        15.0,
        0.1,
        0.1,
        8.0,
        12.0,
        2.5,
        2.5,
        3.0,
        1.5,
        1.5,
        0.3,
        3.5,
        4.0,
        0.8,
        1.2,
    ],
}
_TREND = np.array(
    [
        -0.02,
        -0.01,
        0.0,
        0.0,
        0.0,
        0.005,
        0.005,
        0.0,
        0.01,
        0.04,
        0.01,
        0.005,
        0.01,
        -0.005,
        0.0,
        0.01,
        0.005,
    ]
)
_REL_PRICE = np.array(
    [
        0.01,
        0.0,
        0.0,
        0.0,
        0.0,
        0.01,
        0.005,
        0.0,
        0.005,
        -0.02,
        0.0,
        0.0,
        0.0,
        0.005,
        0.005,
        0.005,
        0.0,
    ]
)


def _geometric_path(anchors: dict[int, float]) -> np.ndarray:
    """Values over YEARS, log-linear between anchors, flat growth extrapolation at the ends."""
    ys = sorted(anchors)
    logs = np.log([anchors[y] for y in ys])
    out = np.interp(YEARS, ys, logs)
    if len(ys) >= 2:
        r0 = (logs[1] - logs[0]) / (ys[1] - ys[0])
        r1 = (logs[-1] - logs[-2]) / (ys[-1] - ys[-2])
        out = np.where(YEARS < ys[0], logs[0] + r0 * (YEARS - ys[0]), out)
        out = np.where(YEARS > ys[-1], logs[-1] + r1 * (YEARS - ys[-1]), out)
    return np.exp(out)


def _level_from_growth(growth: np.ndarray, anchor_year: int, anchor_value: float) -> np.ndarray:
    """Levels over YEARS from growth (%; growth[i] is YEARS[i] over YEARS[i-1])."""
    idx = np.concatenate([[0.0], np.cumsum(np.log1p(growth[1:] / 100))])
    return anchor_value * np.exp(idx - idx[YEARS == anchor_year][0])


def _cents_split(total_cents: int, shares: np.ndarray) -> np.ndarray:
    raw = shares / shares.sum() * total_cents
    base = np.floor(raw).astype(np.int64)
    rest = int(total_cents - base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return base


def simulate(rng: np.random.Generator) -> tuple[dict[str, pd.DataFrame], dict]:
    n_years = len(YEARS)
    # Province-wide common growth component.
    common = rng.normal(5.7, 0.3, n_years)
    common[YEARS == 2023] = rng.normal(5.0, 0.2)
    common[YEARS == 2024] = rng.normal(5.0, 0.2)
    for y, v in JATIM_LPE.items():
        common[YEARS == y] = v
    sby = rng.normal(6.5, 0.4, n_years)
    sby = np.round(sby, 2)
    for y, v in SBY_LPE.items():
        sby[YEARS == y] = v

    growth: dict[str, np.ndarray] = {}
    planted_b: dict[str, float] = {}
    size_weights = {code: w for code, _, _, w, _, _ in REGIONS if code != SURABAYA}
    for code, _name, _kind, _w, _dist, profile in REGIONS:
        if code == SURABAYA:
            growth[code] = sby
            continue
        if code == KOTA_MOJOKERTO:
            post = YEARS >= BREAK_YEAR
            a = np.where(post, KM_ELASTICITY["intercept_after"], KM_ELASTICITY["intercept_before"])
            b = np.where(post, KM_ELASTICITY["after"], KM_ELASTICITY["before"])
            g = a + b * sby + rng.normal(0, KM_NOISE_SD, n_years)
            for y, v in KM_LPE.items():
                g[YEARS == y] = v
        elif code in GKS_SPILLOVER:
            b_r = GKS_SPILLOVER[code]
            g = rng.normal(0.2, 0.3) + b_r * sby + (1 - b_r) * common + rng.normal(0, 0.4, n_years)
            planted_b[code] = b_r
            if code == KAB_MOJOKERTO:
                for y, v in KABMJK_LPE.items():
                    g[YEARS == y] = v
        else:
            sd = 1.5 if profile == "tambang" else 0.5
            g = rng.normal(0.0, 0.4) + common + rng.normal(0, sd, n_years)
            planted_b[code] = 0.0
        growth[code] = np.round(g, 2)

    # ADHK levels (Rp miliar).
    adhk: dict[str, np.ndarray] = {}
    others_2010 = 700_000.0
    wsum = sum(w for c, w in size_weights.items() if c not in (KOTA_MOJOKERTO, KAB_MOJOKERTO))
    for code, *_ in REGIONS:
        if code == SURABAYA:
            adhk[code] = _level_from_growth(growth[code], 2020, SBY_ADHK_2020)
        elif code == KOTA_MOJOKERTO:
            adhk[code] = _level_from_growth(growth[code], 2022, KM_ADHK_2022)
        elif code == KAB_MOJOKERTO:
            adhk[code] = _level_from_growth(growth[code], 2023, KABMJK_ADHK_2023)
        else:
            level = others_2010 * size_weights[code] / wsum * rng.uniform(0.95, 1.05)
            adhk[code] = _level_from_growth(growth[code], 2010, level)
    # Deflators (ADHB / ADHK).
    deflator: dict[str, np.ndarray] = {}
    for code, *_ in REGIONS:
        if code == SURABAYA:
            anchors = {2010: 1.0, **{y: v / adhk[code][YEARS == y][0] for y, v in SBY_ADHB.items()}}
        elif code == KOTA_MOJOKERTO:
            anchors = {2010: 1.0, **{y: v / adhk[code][YEARS == y][0] for y, v in KM_ADHB.items()}}
        elif code == KAB_MOJOKERTO:
            anchors = {2010: 1.0, 2023: KABMJK_ADHB_2023 / KABMJK_ADHK_2023}
        else:
            anchors = {2010: 1.0, 2024: float(np.exp(14 * rng.normal(0.038, 0.003)))}
        deflator[code] = _geometric_path(anchors)

    # Population.
    population: dict[str, np.ndarray] = {}
    for code, *_ in REGIONS:
        if code == KOTA_MOJOKERTO:
            population[code] = _geometric_path(
                {2010: 120_196, 2020: 132_434, 2024: 132_434 * 1.0063**4}
            )
        elif code == SURABAYA:
            population[code] = _geometric_path(
                {2010: 2_765_487, 2020: 2_874_000, 2024: 2_874_000 * 1.004**4}
            )
        else:
            p0 = POPULATION_2010.get(code) or _POP_ROUGH[code]
            population[code] = p0 * (1 + rng.uniform(0.004, 0.012)) ** (YEARS - 2010)

    # Region rows and sectors (exact sums in hundredths of Rp miliar).
    region_rows, sector_rows = [], []
    prov_cents = {
        "adhb": np.zeros((n_years, 17), np.int64),
        "adhk": np.zeros((n_years, 17), np.int64),
    }
    sectors = list(PDRB_SECTORS)
    for code, name, kind, _w, dist, profile in REGIONS:
        prof = _PROFILES["kabmojokerto" if code == KAB_MOJOKERTO else profile]
        prof = np.array(prof, dtype=float)
        lvl = 75.0 if kind == "kota" else 64.0
        if code in ("3527", "3528", "3511"):
            lvl -= 8.0
        slope = rng.uniform(0.45, 0.75)
        vintage_shift = np.where(YEARS <= 2019, 0.0, 1.3)
        ipm_path = lvl + slope * (YEARS - 2010) + vintage_shift + rng.normal(0, 0.1, n_years)
        anchored = sorted(y for (c, y) in IPM_ANCHORS if c == code)
        if anchored:  # pass exactly through the published values, smoothly in between
            resid = [IPM_ANCHORS[(code, y)] - ipm_path[YEARS == y][0] for y in anchored]
            ipm_path = ipm_path + np.interp(YEARS, anchored, resid)
        for i, y in enumerate(YEARS):
            t = y - 2010
            # ADHB shares follow the profile in 2023 (the published structure year)
            share_b = prof * np.exp(_TREND * (y - 2023) + rng.normal(0, 0.01, 17))
            share_k = share_b * np.exp(-_REL_PRICE * t)
            k_c = _cents_split(int(round(adhk[code][i] * 100)), share_k)
            b_c = _cents_split(int(round(adhk[code][i] * deflator[code][i] * 100)), share_b)
            prov_cents["adhk"][i] += k_c
            prov_cents["adhb"][i] += b_c
            for s, vb, vk in zip(sectors, b_c, k_c):
                sector_rows.append((code, int(y), s, vb / 100, vk / 100))
            method = "lama" if y <= 2019 else "sp2020lf"
            ipm = IPM_ANCHORS.get((code, int(y)), round(float(ipm_path[i]), 2))
            if code == SURABAYA:
                travel = 0.0
            elif code in (KOTA_MOJOKERTO, KAB_MOJOKERTO):
                travel = 120.0 if y < 2016 else (90.0 if y < 2018 else 45.0)
            else:
                travel = round(15 + 2.0 * dist, 0)
                if code in ("3517", "3518", "3519", "3521", "3577") and y >= 2019:
                    travel = round(travel * 0.65, 0)
            region_rows.append(
                (
                    code,
                    name,
                    kind,
                    int(y),
                    b_c.sum() / 100,
                    k_c.sum() / 100,
                    float(round(population[code][i])),
                    ipm,
                    method,
                    float(dist),
                    travel,
                )
            )
    prov_ipm_path = {2010: 65.4, 2019: 71.50}
    for i, y in enumerate(YEARS):
        code = PROVINCE[0]
        for s, vb, vk in zip(sectors, prov_cents["adhb"][i], prov_cents["adhk"][i]):
            sector_rows.append((code, int(y), s, vb / 100, vk / 100))
        if y <= 2019:
            ipm = JATIM_IPM.get(
                int(y),
                round(float(np.interp(y, list(prov_ipm_path), list(prov_ipm_path.values()))), 2),
            )
        else:
            ipm = JATIM_IPM.get(int(y), round(float(np.interp(y, [2020, 2023], [73.04, 74.65])), 2))
        pop = sum(population[c][i] for c, *_ in REGIONS)
        region_rows.append(
            (
                code,
                PROVINCE[1],
                PROVINCE[2],
                int(y),
                prov_cents["adhb"][i].sum() / 100,
                prov_cents["adhk"][i].sum() / 100,
                float(round(pop)),
                ipm,
                "lama" if y <= 2019 else "sp2020lf",
                np.nan,
                np.nan,
            )
        )
    regions = pd.DataFrame(
        region_rows,
        columns=[
            "region_code",
            "region_name",
            "kind",
            "year",
            "pdrb_adhb",
            "pdrb_adhk",
            "population",
            "ipm",
            "ipm_method",
            "distance_km",
            "travel_time_min",
        ],
    )
    regions = regions.sort_values(["region_code", "year"], kind="stable").reset_index(drop=True)
    pdrb = pd.DataFrame(
        sector_rows, columns=["region_code", "year", "sector", "pdrb_adhb", "pdrb_adhk"]
    )
    pdrb = pdrb.sort_values(["region_code", "year"], kind="stable").reset_index(drop=True)

    # Realised OLS of Kota Mojokerto's growth on Surabaya's (the generated series).
    km, sb = growth[KOTA_MOJOKERTO], growth[SURABAYA]
    ols = {}
    for label, mask in (
        ("before", (YEARS > 2010) & (YEARS < BREAK_YEAR)),
        ("after", YEARS >= BREAK_YEAR),
    ):
        slope_hat, icpt_hat = np.polyfit(sb[mask], km[mask], 1)
        ols[label] = {
            "elasticity": round(float(slope_hat), 6),
            "intercept": round(float(icpt_hat), 6),
            "years": [int(y) for y in YEARS[mask]],
        }
    truth = {
        "equation": "g_KM[y] = a + b * g_SBY[y] + e[y]; growth of PDRB ADHK in % (y = 2011..2024); "
        "(a, b) switch at the break year; 2020 and 2022 are the published LPE",
        "elasticity_before": KM_ELASTICITY["before"],
        "elasticity_after": KM_ELASTICITY["after"],
        "intercept_before": KM_ELASTICITY["intercept_before"],
        "intercept_after": KM_ELASTICITY["intercept_after"],
        "break_year": BREAK_YEAR,
        "break_reason": "Surabaya–Mojokerto toll road fully open 2017-12-19 (partial section 2016-03-19)",
        "noise_sd": KM_NOISE_SD,
        "ols_on_generated_series": ols,
        "spillover_elasticity_other_regions": {k: planted_b[k] for k in sorted(planted_b)},
        "spillover_note": "Gerbangkertosusila members get b_r * g_SBY + (1 - b_r) * c_y; every other "
        "region has b_r = 0 but shares the province-wide common component c_y (COVID dip), so a "
        "naive regression on Surabaya's growth is not zero for them.",
        "growth_kota_mojokerto": {str(y): float(v) for y, v in zip(YEARS[1:], km[1:])},
        "growth_surabaya": {str(y): float(v) for y, v in zip(YEARS[1:], sb[1:])},
    }
    return {"regions": regions, "pdrb_sectors": pdrb}, truth
