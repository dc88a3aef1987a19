"""A synthetic national-size study: 514 kabupaten/kota, about 30 units each, 8 years of SKM.

``python -m innolab_analysis.demo.national OUT --scale 1.0`` writes about 50
million SKM responses (``scale`` multiplies the respondents per unit and
semester, 203 on average at 1.0) as hive-partitioned Parquet
(``OUT/skm_responses/year=2017/part-000.parquet`` …, answers int8, zstd),
together with ``agencies.csv``, ``innovations.csv`` and ``truth.json``. The
columns follow the declared data model
(:data:`innolab_analysis.data.tables.TABLES`).

Generation streams: one block of kabupaten/kota and one year at a time is
simulated and written, so memory stays bounded (a few hundred MB at any
scale). The same seed, scale and number of kabupaten/kota give the same
numbers.

Everything is synthetic: kabupaten/kota are numbered ``K001`` … ``K514`` and
grouped into 38 provinces ``P01`` … ``P38``; they do not stand for real places.
The planted effect (innovation launch raises every answer's latent score by
``effect_latent``) and the implied average effect on the IKM are in
``truth.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from innolab_analysis.errors import InnolabError

__all__ = ["N_KABKOTA", "N_PROVINCES", "write_national_study"]

N_KABKOTA = 514
"""Kabupaten/kota in Indonesia (416 kabupaten + 98 kota, Kemendagri 2023)."""

N_PROVINCES = 38
"""Provinces in Indonesia since 2022."""

_KINDS = ("dinas", "badan", "kecamatan", "kantor", "sekretariat", "inspektorat", "satpol_pp")
_CLUSTERS = ("administrasi kependudukan", "kesehatan", "perizinan", "pendidikan", "sosial")
_SERVICES = {
    "administrasi kependudukan": "KTP-el",
    "kesehatan": "rawat jalan",
    "perizinan": "izin usaha",
    "pendidikan": "legalisir ijazah",
    "sosial": "rekomendasi bansos",
}
_MEAN_RESPONDENTS = 203  # per unit and semester at scale 1.0 → about 50 million responses
_NOISE_SD = 0.7  # answer = clip(round(latent + N(0, 0.7)), 1, 4)
_BLANK_RATE = 0.02


def _expected_answer(mu: np.ndarray) -> np.ndarray:
    """E[clip(round(mu + e), 1, 4)] for e ~ N(0, sd): 1 + sum_k P(mu + e >= k + 1/2)."""
    from scipy.special import ndtr

    return 1.0 + sum(ndtr((mu - (k + 0.5)) / _NOISE_SD) for k in (1, 2, 3))


def _check(scale: object, n_kabkota: object, seed: object, years: object) -> None:
    problems = []
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0.001 <= scale <= 10:
        problems.append(f"scale must be a number between 0.001 and 10, got {scale!r}")
    if (
        isinstance(n_kabkota, bool)
        or not isinstance(n_kabkota, (int, np.integer))
        or not 1 <= n_kabkota <= N_KABKOTA
    ):
        problems.append(
            f"n_kabkota must be an integer between 1 and {N_KABKOTA}, got {n_kabkota!r}"
        )
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        problems.append(f"seed must be a non-negative integer, got {seed!r}")
    if (
        not isinstance(years, tuple)
        or len(years) != 2
        or not all(isinstance(y, int) for y in years)
        or not 2000 <= years[0] <= years[1] <= 2100
    ):
        problems.append(f"years must be (first, last) with 2000 <= first <= last, got {years!r}")
    if problems:
        raise InnolabError("; ".join(problems))


def _units(rng: np.random.Generator, n_kabkota: int, first_year: int, n_years: int):
    """Agencies (about 30 per kabupaten/kota), their quality and their first launch."""
    province_of = np.sort(rng.integers(0, N_PROVINCES, N_KABKOTA))[:n_kabkota]
    n_units = rng.integers(25, 36, N_KABKOTA)[:n_kabkota]
    kab = np.repeat(np.arange(n_kabkota), n_units)
    within = np.concatenate([np.arange(n) for n in n_units])
    n = len(kab)
    kab_effect = rng.normal(0, 0.15, N_KABKOTA)[kab]
    quality = 2.95 + kab_effect + rng.normal(0, 0.2, n)
    n_periods = 2 * n_years
    # first launch: 55 % launch during the study (staggered), 5 % before it, the rest never
    u = rng.random(n)
    launch_period = np.where(
        u < 0.55, rng.integers(min(3, n_periods), n_periods + 1, n), np.where(u < 0.60, 0, -1)
    )  # 1-based period index; 0 = before the study; -1 = never
    agency_id = np.array([f"K{k + 1:03d}-{j + 1:02d}" for k, j in zip(kab, within)])
    cluster_code = rng.integers(0, len(_CLUSTERS), n)
    cluster = np.array(_CLUSTERS)[cluster_code]
    agencies = pd.DataFrame(
        {
            "agency_id": agency_id,
            "name": [f"Unit {j + 1:02d} Kab/Kota K{k + 1:03d}" for k, j in zip(kab, within)],
            "kind": np.array(_KINDS)[within % len(_KINDS)],
            "city": [f"K{k + 1:03d} (P{province_of[k] + 1:02d})" for k in kab],
            "cluster": cluster,
        }
    )
    launched = launch_period != -1
    period0 = pd.Timestamp(first_year, 1, 1)
    # launch date: a day inside the launch period (or 1-3 years before the study)
    months = np.where(launch_period > 0, (launch_period - 1) * 6, -rng.integers(12, 36, n))
    day = rng.integers(0, 175, n)
    launched_on = [
        (period0 + pd.DateOffset(months=int(m)) + pd.Timedelta(days=int(d))).date()
        for m, d in zip(months[launched], day[launched])
    ]
    ids = agency_id[launched]
    m = len(ids)
    innovations = pd.DataFrame(
        {
            "innovation_id": [f"INV{i + 1:06d}" for i in range(m)],
            "agency_id": ids,
            "title": [f"Inovasi layanan {a}" for a in ids],
            "origin": np.array(["original", "adaptation", "modification"])[rng.integers(0, 3, m)],
            "form": "pelayanan_publik",
            "digital": rng.random(m) < 0.6,
            "iid_stage": "penerapan",
            "labinov_stage": None,
            "proposed_on": [d - pd.Timedelta(days=200).to_pytimedelta() for d in launched_on],
            "trial_on": [d - pd.Timedelta(days=90).to_pytimedelta() for d in launched_on],
            "launched_on": launched_on,
            "discontinued_on": None,
            "beneficiaries_direct": rng.integers(100, 20_000, m),
            "beneficiaries_indirect": rng.integers(100, 50_000, m),
        }
    )
    return agencies, innovations, kab, quality, launch_period, cluster_code


def write_national_study(
    out: str | Path,
    *,
    scale: float = 1.0,
    n_kabkota: int = N_KABKOTA,
    seed: int = 514,
    years: tuple[int, int] = (2017, 2024),
    effect_latent: float = 0.12,
    block: int = 64,
) -> dict:
    """Write a synthetic national-size study to ``out`` by streaming; return the truth.

    Parameters
    ----------
    out : str or Path
        Output folder (created). Holds ``agencies.csv``, ``innovations.csv``,
        ``skm_responses/year=YYYY/part-NNN.parquet`` and ``truth.json``.
    scale : float
        Multiplies the respondents per unit and semester (203 on average at
        1.0: about 50 million responses for 514 kabupaten/kota and 8 years).
    n_kabkota : int
        How many of the 514 kabupaten/kota to write (fewer for tests).
    seed : int
        Seed; the same seed, scale and ``n_kabkota`` give the same data.
    years : (int, int)
        First and last survey year.
    effect_latent : float
        Planted effect of the first innovation launch on the latent answer
        score (1–4 scale) of every element, from the launch semester on.
    block : int
        Kabupaten/kota simulated and written per file (bounds memory).

    Returns
    -------
    dict
        The truth, as written to ``truth.json``: sizes, the planted latent
        effect and the implied average effect on the IKM (25–100) over the
        treated unit-semesters (``att_ikm``).

    Raises
    ------
    InnolabError
        Invalid arguments.

    Examples
    --------
    >>> import tempfile
    >>> truth = write_national_study(tempfile.mkdtemp(), scale=0.05, n_kabkota=2, years=(2020, 2021))
    >>> truth["n_kabkota"], truth["n_units"] > 50, truth["n_responses"] > 0
    (2, True, True)
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    _check(scale, n_kabkota, seed, years)
    out = Path(out)
    skm_dir = out / "skm_responses"
    skm_dir.mkdir(parents=True, exist_ok=True)
    first, last = years
    n_years = last - first + 1
    unit_seq, answer_seq = np.random.SeedSequence(int(seed)).spawn(2)
    rng = np.random.default_rng(unit_seq)
    agencies, innovations, kab, quality, launch_period, cluster_code = _units(
        rng, n_kabkota, first, n_years
    )
    agencies.to_csv(out / "agencies.csv", index=False, lineterminator="\n")
    innovations.to_csv(out / "innovations.csv", index=False, lineterminator="\n")

    elem_offset = np.random.default_rng(int(seed) + 1).normal(0, 0.12, 9)
    agency_dict = pa.array(agencies["agency_id"].to_numpy())
    service_dict = pa.array([_SERVICES[c] for c in _CLUSTERS])
    service_code = cluster_code

    n_total, att_num, att_den = 0, 0.0, 0
    next_id = 0
    blocks = [(b, min(b + block, n_kabkota)) for b in range(0, n_kabkota, block)]
    seqs = np.random.SeedSequence(answer_seq.entropy).spawn(len(blocks) * n_years)
    for y, year in enumerate(range(first, last + 1)):
        ydir = skm_dir / f"year={year}"
        ydir.mkdir(exist_ok=True)
        for b, (k0, k1) in enumerate(blocks):
            r = np.random.default_rng(seqs[y * len(blocks) + b])
            units = np.flatnonzero((kab >= k0) & (kab < k1))
            cols_by_semester = []
            for s in (0, 1):
                period = 2 * y + s + 1
                counts = r.poisson(_MEAN_RESPONDENTS * scale, len(units))
                idx = np.repeat(units, counts)
                treated = (launch_period[idx] != -1) & (launch_period[idx] <= period)
                mu = quality[idx] + effect_latent * treated
                mu_u = quality[units]
                tr_u = (launch_period[units] != -1) & (launch_period[units] <= period)
                gain = np.mean(
                    [
                        _expected_answer(mu_u[tr_u] + o + effect_latent)
                        - _expected_answer(mu_u[tr_u] + o)
                        for o in elem_offset
                    ],
                    axis=0,
                )
                att_num += 25.0 * float(np.sum(gain[counts[tr_u] > 0]))
                att_den += int(np.sum(counts[tr_u] > 0))
                start = np.datetime64(f"{year}-{'01' if s == 0 else '07'}-01")
                days = r.integers(0, 181, len(idx)).astype("timedelta64[D]")
                cols_by_semester.append((idx, mu, start + days))
            idx = np.concatenate([c[0] for c in cols_by_semester])
            mu = np.concatenate([c[1] for c in cols_by_semester])
            dates = np.concatenate([c[2] for c in cols_by_semester])
            n = len(idx)
            if n == 0:
                continue
            ids = pc.binary_join_element_wise(
                pa.array(np.full(n, "R")),
                pc.cast(pa.array(np.arange(next_id, next_id + n, dtype=np.int64)), pa.string()),
                "",
            )
            cols = {
                "respondent_id": ids,
                "agency_id": pa.DictionaryArray.from_arrays(
                    pa.array(idx.astype(np.int32)), agency_dict
                ),
                "service": pa.DictionaryArray.from_arrays(
                    pa.array(service_code[idx].astype(np.int32)), service_dict
                ),
                "survey_date": pa.array(dates.astype("datetime64[D]"), type=pa.date32()),
            }
            for j, o in enumerate(elem_offset):
                latent = mu + o + r.normal(0, _NOISE_SD, n)
                ans = np.clip(np.rint(latent), 1, 4).astype(np.int8)
                cols[f"u{j + 1}"] = pa.array(ans, mask=r.random(n) < _BLANK_RATE)
            pq.write_table(
                pa.table(cols),
                ydir / f"part-{b:03d}.parquet",
                compression="zstd",
                row_group_size=1 << 20,
            )
            next_id += n
            n_total += n

    truth = {
        "seed": int(seed),
        "scale": float(scale),
        "years": [first, last],
        "n_kabkota": int(n_kabkota),
        "n_provinces_max": N_PROVINCES,
        "n_units": len(agencies),
        "n_responses": int(n_total),
        "n_innovations": len(innovations),
        "effect_latent": float(effect_latent),
        "att_ikm": att_num / att_den if att_den else None,
        "att_ikm_note": (
            "mean over treated unit-semesters with respondents (including always-treated units) "
            "of the expected IKM gain 25 * mean_j(E[answer | latent + effect] - E[answer | "
            "latent]); answers are clip(round(latent + N(0, 0.7)), 1, 4)"
        ),
    }
    (out / "truth.json").write_text(json.dumps(truth, indent=2) + "\n")
    return truth


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m innolab_analysis.demo.national OUT [--scale S] ...``."""
    parser = argparse.ArgumentParser(
        prog="python -m innolab_analysis.demo.national",
        description="Write a synthetic national-size study (hive-partitioned Parquet SKM).",
    )
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = about 50 million responses")
    parser.add_argument("--kabkota", type=int, default=N_KABKOTA, help="number of kab/kota")
    parser.add_argument("--seed", type=int, default=514)
    parser.add_argument("--first-year", type=int, default=2017)
    parser.add_argument("--last-year", type=int, default=2024)
    args = parser.parse_args(argv)
    try:
        truth = write_national_study(
            args.out,
            scale=args.scale,
            n_kabkota=args.kabkota,
            seed=args.seed,
            years=(args.first_year, args.last_year),
        )
    except InnolabError as err:
        parser.error(str(err))
    sys.stdout.write(
        f"wrote {truth['n_responses']:,} SKM responses of {truth['n_units']:,} units "
        f"in {truth['n_kabkota']} kabupaten/kota to {args.out}\n"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
