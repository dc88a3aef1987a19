"""The agency side of the demo: units, innovations, readiness, SKM microdata, indicators.

Data-generating process (all on the scale the estimators use):

* Expected IKM of unit *a* in semester *t* (Permen PANRB 14/2017 scale 25–100)::

      IKM*_at = 77 + alpha_a + gamma_t + tau_at + shock_at
      tau_at  = ramp(t - G_a) * (theta_c(a) + slope * z_a)   for t >= G_a, else 0

  ``G_a`` is the semester of the unit's first launched innovation, ``c(a)`` its
  launch year, ``ramp`` = 0.4, 0.7, 1.0 for event times 0, 1, >= 2, ``z_a`` the
  standardised leadership_commitment score (assessment closest before launch,
  else the first), ``shock_at`` ~ N(0, 0.5²) iid. Parallel trends hold by
  construction (``gamma_t`` is common to every unit; COVID dip in 2020).
* Respondents answer each element through a latent satisfaction
  ``mu_at + d_k + u_r + e_rk`` cut at fixed thresholds into 1–4; ``mu_at`` is
  chosen so that the *expected* IKM (mean of the nine element means × 25 over
  answered items) equals ``IKM*_at`` exactly (closed form, inverted numerically,
  and checked by a large Monte-Carlo sample).
* Processing days fall after launch by ``ramp * (phi_c + 0.5 * z_a)`` days.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from scipy.special import ndtr

from innolab_analysis.demo._catalog import MOJOKERTO, CitySpec

FIRST_YEAR = 2015
LAST_YEAR = 2024
N_PERIODS = 2 * (LAST_YEAR - FIRST_YEAR + 1)
LABINOV_START = dt.date(2018, 4, 2)
CITY = MOJOKERTO.name

DIMENSIONS = (
    "leadership_commitment",
    "human_resources",
    "budget",
    "digital_infrastructure",
    "collaboration",
    "culture",
)

# Planted IKM effects at full ramp for an agency of average leadership, by launch year.
IKM_THETA = {2017: 2.5, 2018: 4.0, 2019: 3.5, 2020: 2.5, 2021: 3.0, 2022: 2.0, 2023: 2.0}
IKM_SLOPE = 1.2  # IKM points per SD of leadership_commitment, at full ramp
# Planted processing-time reductions (days) at full ramp, by launch year.
DAYS_PHI = {2017: 1.0, 2018: 2.0, 2019: 1.5, 2020: 1.2, 2021: 1.5, 2022: 1.0, 2023: 1.0}
DAYS_SLOPE = 0.5  # extra days saved per SD of leadership_commitment, at full ramp
RAMP = (0.4, 0.7, 1.0)
IKM_BASE = 77.0
IKM_TREND = 0.3  # per semester
IKM_COVID = {10: -3.0, 11: -2.0, 12: -1.0}  # 2020H1, 2020H2, 2021H1
DAYS_TREND = -0.05
DAYS_COVID = {10: 1.5, 11: 0.8}
SHOCK_SD = 0.5
DAYS_NOISE_SD = 0.4

# Latent response model.
THRESHOLDS = np.array([-2.0, -0.9, 0.9])
ITEM_OFFSETS = np.array([0.10, 0.00, -0.25, 0.35, 0.05, 0.10, 0.20, -0.30, -0.05])
RESPONDENT_SD = 0.6
ITEM_SD = 0.8
MISSING_P = np.array([0.01, 0.01, 0.02, 0.10, 0.01, 0.01, 0.01, 0.14, 0.02])
EDUCATION = ("SD", "SMP", "SMA", "D3", "S1", "S2/S3")
EDUCATION_P = (0.10, 0.15, 0.40, 0.10, 0.21, 0.04)


def period_start(p: int) -> pd.Timestamp:
    """First day of semester ``p`` (0 = 2015H1)."""
    return pd.Timestamp(FIRST_YEAR + p // 2, 1 + 6 * (p % 2), 1)


def semester_of(day: dt.date) -> int:
    return (day.year - FIRST_YEAR) * 2 + (1 if day.month >= 7 else 0)


def ramp(e: np.ndarray) -> np.ndarray:
    e = np.asarray(e)
    out = np.where(e >= 2, RAMP[2], np.where(e == 1, RAMP[1], RAMP[0]))
    return np.where(e < 0, 0.0, out)


def expected_ikm(mu: np.ndarray) -> np.ndarray:
    """Expected IKM (25–100) of a unit-period whose latent mean is ``mu`` (closed form)."""
    mu = np.asarray(mu, dtype=float)[..., None, None]
    scale = np.hypot(RESPONDENT_SD, ITEM_SD)
    z = (mu + ITEM_OFFSETS[:, None] - THRESHOLDS[None, :]) / scale
    per_item = 1.0 + ndtr(z).sum(axis=-1)
    return 25.0 * per_item.mean(axis=-1)


def latent_for(target: np.ndarray) -> np.ndarray:
    """Invert :func:`expected_ikm` by bisection (vectorised)."""
    lo = np.full(np.shape(target), -8.0)
    hi = np.full(np.shape(target), 8.0)
    for _ in range(70):
        mid = 0.5 * (lo + hi)
        below = expected_ikm(mid) < target
        lo = np.where(below, mid, lo)
        hi = np.where(below, hi, mid)
    return 0.5 * (lo + hi)


def draw_answers(rng: np.random.Generator, mu: np.ndarray) -> np.ndarray:
    """Answers 1–4 (float, NaN = blank) for respondents with latent means ``mu``."""
    n = len(mu)
    latent = (
        mu[:, None]
        + ITEM_OFFSETS[None, :]
        + rng.normal(0.0, RESPONDENT_SD, size=(n, 1))
        + rng.normal(0.0, ITEM_SD, size=(n, 9))
    )
    answers = 1.0 + (latent[..., None] > THRESHOLDS).sum(axis=-1)
    answers[rng.random((n, 9)) < MISSING_P] = np.nan
    return answers


def ikm_of(answers: np.ndarray) -> float:
    """Mean of the element means (over answered items) × 25."""
    return float(25.0 * np.nanmean(np.nanmean(answers, axis=0)))


def mapping_check(rng: np.random.Generator, n_draws: int = 400_000) -> dict:
    """Monte-Carlo check that the simulated answers have the intended expected IKM."""
    targets = np.array([65.0, 75.0, 85.0, 92.0, 97.0])
    mus = latent_for(targets)
    realised = [ikm_of(draw_answers(rng, np.full(n_draws, m))) for m in mus]
    err = np.abs(np.array(realised) - targets)
    return {
        "method": "expected IKM from the closed form vs the IKM of a large simulated sample",
        "n_draws_per_target": n_draws,
        "targets": targets.tolist(),
        "simulated": [round(v, 4) for v in realised],
        "max_abs_error": round(float(err.max()), 4),
    }


def _rand_date(rng: np.random.Generator, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))


def _exists(unit, p: int) -> bool:
    if unit.established_on is None:
        return True
    return period_start(p) >= pd.Timestamp(unit.established_on)


def simulate(
    rng: np.random.Generator, scale: float, city: CitySpec = MOJOKERTO
) -> tuple[dict[str, pd.DataFrame], dict]:
    units = city.units

    # ---- agencies -------------------------------------------------------------------
    agencies = pd.DataFrame(
        {
            "agency_id": [u.agency_id for u in units],
            "name": [u.name for u in units],
            "kind": [u.kind for u in units],
            "city": city.name,
            "cluster": [u.cluster for u in units],
            "established_on": [u.established_on or "" for u in units],
        }
    )

    # ---- first launch dates -----------------------------------------------------------
    first_launch: dict[str, dt.date] = {}
    for u in units:
        if u.launch_year is None:
            continue
        lo = dt.date(2018, 6, 1) if u.launch_year == 2018 else dt.date(u.launch_year, 1, 15)
        first_launch[u.agency_id] = _rand_date(rng, lo, dt.date(u.launch_year, 12, 15))

    # ---- readiness --------------------------------------------------------------------
    ready_rows = []
    assessments: dict[str, list[tuple[dt.date, float]]] = {}
    for u in units:
        early = 0.0 if u.launch_year is None else (2023 - u.launch_year) / 6
        lead = float(np.clip(np.round(rng.normal(2.8 + 0.8 * early, 0.6), 1), 1, 5))
        others = np.clip(np.round(0.5 * lead + rng.normal(1.5, 0.6, 5), 1), 1, 5)
        day = _rand_date(rng, dt.date(2018, 4, 16), dt.date(2018, 6, 30))
        scores = [lead, *others.tolist()]
        assessments[u.agency_id] = [(day, lead)]
        ready_rows += [(u.agency_id, day, d, s) for d, s in zip(DIMENSIONS, scores)]
        if rng.random() < 0.5:
            day2 = _rand_date(rng, dt.date(2021, 7, 1), dt.date(2021, 8, 31))
            scores2 = np.clip(np.round(np.array(scores) + rng.normal(0.25, 0.3, 6), 1), 1, 5)
            assessments[u.agency_id].append((day2, float(scores2[0])))
            ready_rows += [(u.agency_id, day2, d, float(s)) for d, s in zip(DIMENSIONS, scores2)]
    readiness = pd.DataFrame(ready_rows, columns=["agency_id", "assessed_on", "dimension", "score"])
    readiness = readiness.sort_values(["agency_id", "assessed_on", "dimension"], kind="stable")
    readiness = readiness.reset_index(drop=True)

    # Leadership used by the DGP: the assessment closest before launch, else the first.
    lead_sel: dict[str, float] = {}
    for aid, launch in first_launch.items():
        before = [s for d, s in assessments[aid] if d <= launch]
        lead_sel[aid] = before[-1] if before else assessments[aid][0][1]
    lead_vals = np.array(list(lead_sel.values()))
    lead_mean, lead_sd = float(lead_vals.mean()), float(lead_vals.std())
    z = {aid: (v - lead_mean) / lead_sd for aid, v in lead_sel.items()}

    # ---- expected outcomes per unit-semester -------------------------------------------
    kind_shift = {"rsud": 1.0, "puskesmas": 1.0, "kelurahan": 2.0, "badan": -1.0}
    alpha = {u.agency_id: kind_shift.get(u.kind, 0.0) + rng.normal(0, 2.5) for u in units}
    base_days = {u.agency_id: u.base_days * rng.uniform(0.9, 1.1) for u in units}
    cells = []
    for u in units:
        aid = u.agency_id
        g = semester_of(first_launch[aid]) if aid in first_launch else None
        for p in range(N_PERIODS):
            if not _exists(u, p):
                continue
            e = p - g if g is not None else -1
            r = float(ramp(e)) if g is not None else 0.0
            k = city.effect_scale
            tau = r * k * (IKM_THETA[u.launch_year] + IKM_SLOPE * z[aid]) if r else 0.0
            dlt = -r * k * (DAYS_PHI[u.launch_year] + DAYS_SLOPE * z[aid]) if r else 0.0
            gamma = IKM_TREND * p + IKM_COVID.get(p, 0.0)
            target = IKM_BASE + city.ikm_shift + alpha[aid] + gamma + tau + rng.normal(0, SHOCK_SD)
            days = (
                base_days[aid]
                + DAYS_TREND * p
                + DAYS_COVID.get(p, 0.0)
                + dlt
                + rng.normal(0, DAYS_NOISE_SD)
            )
            cells.append((aid, p, g, e, tau, dlt, target, days))
    cells = pd.DataFrame(
        cells, columns=["agency_id", "p", "g", "e", "tau", "delta_days", "target", "days"]
    )
    if cells["target"].max() >= 99.0 or cells["days"].min() <= 0.5:
        raise RuntimeError("demo DGP left its valid range; change the seed or the constants")

    innovations = _innovations(rng, first_launch, city)
    skm = _responses(rng, units, cells, scale)
    indicators = _indicators(rng, units, cells, innovations)

    truth = {
        "leadership": {
            "dimension": "leadership_commitment",
            "rule": "score of the assessment closest before (or on) the first launch date, "
            "else the agency's first assessment",
            "mean_over_treated": round(lead_mean, 6),
            "sd_over_treated_ddof0": round(lead_sd, 6),
            "scores": {k: lead_sel[k] for k in sorted(lead_sel)},
            "z": {k: round(z[k], 6) for k in sorted(z)},
        },
        "cells": cells,
        "first_launch": first_launch,
    }
    tables = {
        "agencies": agencies,
        "innovations": innovations,
        "skm_responses": skm,
        "service_indicators": indicators,
        "readiness": readiness,
    }
    return tables, truth


def _innovations(
    rng: np.random.Generator, first_launch: dict[str, dt.date], city: CitySpec
) -> pd.DataFrame:
    end = dt.date(LAST_YEAR, 12, 20)
    named_first = {a: t for a, t, *_, first in city.named_innovations if first}
    named_meta = {t: (o, f, d) for _, t, o, f, d, _ in city.named_innovations}
    internal = city.internal
    services = {u.agency_id: u.services for u in city.units}
    used: set[str] = set()

    def next_title(aid: str) -> str:
        """A generated title about one of the unit's services (unique in the study)."""
        options = [t.format(s=s) for t in city.titles for s in services[aid]]
        options = [t for t in options if t not in used]
        title = options[int(rng.integers(len(options)))]
        used.add(title)
        return title

    rows = []

    def add(
        aid, title, proposed, trial, launched, discontinued, origin=None, form=None, digital=None
    ):
        if origin is None:
            origin = str(rng.choice(["original", "adaptation", "modification"], p=[0.7, 0.2, 0.1]))
        if form is None:
            form = (
                "tata_kelola"
                if aid in internal
                else str(
                    rng.choice(["pelayanan_publik", "tata_kelola", "lainnya"], p=[0.8, 0.12, 0.08])
                )
            )
        if digital is None:
            digital = bool(rng.random() < 0.55)
        stage = "penerapan" if launched else ("uji_coba" if trial else "inisiatif")
        in_lab = LABINOV_START <= proposed <= dt.date(2019, 12, 31)
        if not in_lab:
            lab = None
        elif launched:
            lab = "display" if rng.random() < 0.7 else "deliver"
        else:
            lab = "design" if trial else "diagnose"
        direct = int(np.round(rng.lognormal(7.5, 1.0))) if launched else None
        indirect = int(direct * rng.uniform(2, 5)) if direct is not None else None
        rows.append(
            (
                aid,
                title,
                origin,
                form,
                digital,
                stage,
                lab,
                proposed,
                trial,
                launched,
                discontinued,
                direct,
                indirect,
            )
        )

    def dates_before(launch: dt.date) -> tuple[dt.date, dt.date]:
        if launch.year == 2018:
            proposed = _rand_date(rng, LABINOV_START, LABINOV_START + dt.timedelta(days=30))
        else:
            proposed = launch - dt.timedelta(days=int(rng.integers(150, 420)))
        span = (launch - proposed).days
        trial = proposed + dt.timedelta(days=int(span * rng.uniform(0.4, 0.85)))
        return proposed, trial

    for aid in sorted(first_launch):
        launch = first_launch[aid]
        proposed, trial = dates_before(launch)
        title = named_first.get(aid) or next_title(aid)
        meta = named_meta.get(title, (None, None, None))
        stop = None
        if aid == "bapenda":  # Bajak Sambal Terasi, succeeded by Gaman Majapahit
            stop = dt.date(2021, 6, 30)
        if aid == "kel_surodinawan":  # its only innovation is stopped: treated stays 1, active 0
            stop = dt.date(2024, 2, 29)
        add(aid, title, proposed, trial, launch, stop, *meta)
        if aid == "bapenda":
            l2 = dt.date(2021, 3, 15)
            p2, t2 = dates_before(l2)
            add(aid, "Gaman Majapahit", p2, t2, l2, None, *named_meta["Gaman Majapahit"])
        if aid == "kel_surodinawan":
            continue
        for _ in range(int(rng.choice([0, 0, 1, 1, 2]))):
            later = launch + dt.timedelta(days=int(rng.integers(120, 1500)))
            if later > end:
                continue
            p2, t2 = dates_before(later)
            p2 = max(p2, launch)
            t2 = max(t2, p2)
            stop2 = None
            if rng.random() < 0.15:
                cand = later + dt.timedelta(days=int(rng.integers(200, 900)))
                stop2 = cand if cand <= end else None
            add(aid, next_title(aid), p2, t2, later, stop2)
    # Proposals not (yet) launched, including units that never innovate.
    for aid in city.proposals_only:
        proposed = _rand_date(rng, dt.date(2023, 3, 1), dt.date(2024, 6, 30))
        trial = None
        if rng.random() < 0.6:
            trial = proposed + dt.timedelta(days=int(rng.integers(60, 150)))
        add(aid, next_title(aid), proposed, trial, None, None)

    cols = [
        "agency_id",
        "title",
        "origin",
        "form",
        "digital",
        "iid_stage",
        "labinov_stage",
        "proposed_on",
        "trial_on",
        "launched_on",
        "discontinued_on",
        "beneficiaries_direct",
        "beneficiaries_indirect",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df = df.sort_values(["proposed_on", "agency_id", "title"], kind="stable").reset_index(drop=True)
    df.insert(0, "innovation_id", [f"INV{i + 1:03d}" for i in range(len(df))])
    for c in ("beneficiaries_direct", "beneficiaries_indirect"):
        df[c] = df[c].astype("Int64")
    return df[["innovation_id", *cols]]


def _responses(rng, units, cells: pd.DataFrame, scale: float) -> pd.DataFrame:
    size = {u.agency_id: u.respondents for u in units}
    services = {u.agency_id: u.services for u in units}
    n = np.array(
        [max(10, int(round(size[a] * scale * rng.uniform(0.85, 1.15)))) for a in cells["agency_id"]]
    )
    mu_cell = latent_for(cells["target"].to_numpy())
    idx = np.repeat(np.arange(len(cells)), n)
    answers = draw_answers(rng, mu_cell[idx])
    total = len(idx)
    agency = cells["agency_id"].to_numpy()[idx]
    p = cells["p"].to_numpy()[idx]
    start = np.array([period_start(k) for k in range(N_PERIODS)], dtype="datetime64[D]")
    day = start[p] + rng.integers(0, 181, size=total).astype("timedelta64[D]")
    users = np.array([size[a] * rng.uniform(16, 24) for a in cells["agency_id"]])
    weight = np.round(users / n, 3)[idx]
    service = np.array([services[a][rng.integers(len(services[a]))] for a in agency])
    gender = rng.choice(np.array(["L", "P"], dtype=object), size=total, p=[0.48, 0.52])
    gender[rng.random(total) < 0.02] = None
    age = np.clip(np.round(rng.normal(40, 13, total)), 17, 85)
    age[rng.random(total) < 0.02] = np.nan
    edu = rng.choice(np.array(EDUCATION, dtype=object), size=total, p=EDUCATION_P)
    edu[rng.random(total) < 0.03] = None
    df = pd.DataFrame({"agency_id": agency, "service": service, "survey_date": day})
    for k in range(9):
        df[f"u{k + 1}"] = pd.array(answers[:, k], dtype="Float64").astype("Int8")
    df["weight"] = weight
    df["gender"] = gender
    df["age"] = pd.array(age, dtype="Float64").astype("Int16")
    df["education"] = edu
    df = df.sort_values(["survey_date", "agency_id"], kind="stable").reset_index(drop=True)
    df.insert(0, "respondent_id", [f"R{i + 1:07d}" for i in range(len(df))])
    return df


def _indicators(rng, units, cells: pd.DataFrame, innovations: pd.DataFrame) -> pd.DataFrame:
    size = {u.agency_id: u.respondents for u in units}
    launched = innovations.dropna(subset=["launched_on"])
    digital_from = launched[launched["digital"]].groupby("agency_id")["launched_on"].min().to_dict()
    rows = []
    for c in cells.itertuples(index=False):
        start = period_start(c.p)
        treated = c.g is not None and not pd.isna(c.g) and c.p >= c.g
        recv = int(rng.poisson(size[c.agency_id] * 0.08 * (1.3 if c.p in (10, 11) else 1.0)))
        share = min(0.98, 0.70 + 0.012 * c.p + (0.05 if treated else 0.0))
        resolved = int(rng.binomial(recv, share))
        dig = c.agency_id in digital_from and pd.Timestamp(digital_from[c.agency_id]) < start
        online = 1 / (1 + np.exp(-(-3.0 + 0.18 * c.p + (1.0 if dig else 0.0) + rng.normal(0, 0.2))))
        rows += [
            (c.agency_id, start, "processing_days", round(float(c.days), 2), "days"),
            (c.agency_id, start, "complaints_received", float(recv), "count"),
            (c.agency_id, start, "complaints_resolved", float(resolved), "count"),
            (c.agency_id, start, "online_share", round(float(online), 3), "share"),
        ]
    df = pd.DataFrame(rows, columns=["agency_id", "period", "indicator", "value", "unit"])
    return df.sort_values(["agency_id", "period", "indicator"], kind="stable").reset_index(
        drop=True
    )


# Service users (the Krejcie–Morgan population of the SKM sample) per unit and semester.
USERS_RATIO_MEDIAN_EXCESS = 0.3  # median of (users / planned respondents − 1) across units
USERS_RATIO_SD = 1.0  # SD of log(users / planned respondents − 1) across units
USERS_TREND = 0.005  # growth of service users per semester
USERS_COVID = {10: 0.8, 11: 0.9}  # 2020H1, 2020H2


def applications(rng: np.random.Generator, units, cells: pd.DataFrame) -> pd.DataFrame:
    """The ``applications`` indicator: service users per unit and semester (count).

    ``users[a,t] = round(respondents_a · r_a · (1 + 0.005 t) · covid_t · U(0.9, 1.1))`` with
    ``r_a = 1 + exp(N(log 0.3, 1))`` per unit: most units survey enough of their users for the
    Krejcie–Morgan sample size, a few high-volume ones do not. Drawn from its own random
    stream, so adding it changed no other table.
    """
    ratio = {
        u.agency_id: 1.0
        + float(np.exp(rng.normal(np.log(USERS_RATIO_MEDIAN_EXCESS), USERS_RATIO_SD)))
        for u in units
    }
    size = {u.agency_id: u.respondents for u in units}
    order = cells.sort_values(["agency_id", "p"], kind="stable")
    rows = []
    for c in order.itertuples(index=False):
        level = size[c.agency_id] * ratio[c.agency_id] * (1 + USERS_TREND * c.p)
        users = round(level * USERS_COVID.get(c.p, 1.0) * rng.uniform(0.9, 1.1))
        rows.append((c.agency_id, period_start(c.p), "applications", float(users), "count"))
    return pd.DataFrame(rows, columns=["agency_id", "period", "indicator", "value", "unit"])
