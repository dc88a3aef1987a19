"""The text of ``data/demo/README.md`` (generated, so regeneration reproduces it)."""

from __future__ import annotations

import pandas as pd


def readme_text(tables: dict[str, pd.DataFrame], truth: dict) -> str:
    ikm, days, reg = truth["ikm"], truth["processing_days"], truth["regional"]
    sizes = "\n".join(f"| `{name}` | {len(df):,} |" for name, df in tables.items())
    published = "\n".join(f"- {line}" for line in truth["provenance"]["published"])
    simulated = "\n".join(f"- {line}" for line in truth["provenance"]["simulated"])
    return f"""# Demo study: Kota Mojokerto (synthetic)

**This is simulated data.** It looks like a real study of public-service innovation in
Kota Mojokerto, but every survey answer, indicator, score and innovation date is made up
by `innolab_analysis.demo` (seed {truth["seed"]}, scale {truth["scale"]}). A handful of
city-level economic figures are published numbers, listed below with their source line.
Do not cite any number from this folder as a fact about Kota Mojokerto.

Regenerate (byte-identical): `python -m innolab_analysis.demo data/demo`.
The tables follow `innolab_analysis/data/tables.py`; `truth.json` holds every planted quantity.

| table | rows |
|---|---|
{sizes}

## What is planted (see `truth.json`)
- 31 units (dinas, badan, kecamatan, kelurahan, RSUD, puskesmas …); Kecamatan Kranggan exists only
  from 2016-06-20 (no rows before 2016-07-01). SKM surveyed per unit and semester 2015–2024;
  some blanks (more often U4 biaya and U8 pengaduan); a sampling weight per unit-semester.
- The IKM of a unit (mean of the nine element means × 25 over answered items, Permen PANRB 14/2017)
  rises after its **first** launched innovation: effect by launch-year cohort, growing over the first
  semesters (ramp 0.4, 0.7, 1.0) and moderated by the standardised `leadership_commitment` score
  ({ikm["moderation_slope_per_sd"]} IKM points per SD). Overall ATT ("simple" aggregation, group size ×
  periods, semester panel): **{ikm["att_simple"]:.3f}** IKM points.
- Processing days fall after the first launch; ATT (simple): **{days["att_simple"]:.3f}** days.
- `service_indicators` also holds `applications`: service users per unit and semester (the
  Krejcie–Morgan population of the SKM sample). Most units survey enough of them, a few high-volume
  units fall short. It is drawn independently of the SKM `weight` column (weights are not users ÷
  respondents).
- `innovation_budgets` holds the yearly budgets (rupiah) of the launched innovations of
  {len(truth["budgets"]["units_with_budgets"])} units; the other
  {len(truth["budgets"]["units_without_budgets"])} units with a launched innovation recorded
  none (so the report has budgets that are missing).
- Unit and period fixed effects, parallel trends by construction, COVID dip in 2020.
- Kota Mojokerto's PDRB growth responds to Surabaya's with elasticity {reg["elasticity_before"]}
  before {reg["break_year"]} and {reg["elasticity_after"]} from {reg["break_year"]} (Tol Surabaya–Mojokerto
  fully open 2017-12-19); the other Gerbangkertosusila members get some spillover, far regions none.
- `regions` has the 38 kabupaten/kota of Jawa Timur plus one `provinsi` row (3500, the exact sum of
  the 38); `pdrb_sectors` has the 17 lapangan usaha, summing exactly to each region-year total.
- `ipm_method` is `lama` up to 2019 and `sp2020lf` from 2020 (BPS back-cast the 2020–2022 IPM with
  the SP2020 Long Form in its 2023 release; never mix vintages in one chart). Surabaya's published
  2020 IPM 82.23 is an old-method value and is therefore *not* used for the 2020 row.

## Published values used (source: /work/shared/reference/domain.md)
{published}

## Simulated
{simulated}
"""


def second_city_readme(tables: dict[str, pd.DataFrame], truth: dict) -> str:
    """README of the second demo city (``data/demo_pasuruan``)."""
    ikm, city, budgets = truth["ikm"], truth["city"], truth["budgets"]
    sizes = "\n".join(f"| `{name}` | {len(df):,} |" for name, df in tables.items())
    return f"""# Demo study: {city["name"]} (synthetic, second city)

**This is simulated data**, made by `innolab_analysis.demo` (city `pasuruan`, seed
{truth["seed"]}, scale {truth["scale"]}) for the city comparison (`params/comparison_demo.yaml`).
Do not cite any number from this folder as a fact about {city["name"]}.

Regenerate (byte-identical): `python -m innolab_analysis.demo data/demo_pasuruan --city pasuruan`.

| table | rows |
|---|---|
{sizes}

## What is planted (see `truth.json`)
- {city["n_units"]} units, simulated as in the Kota Mojokerto demo but with innovation effects
  {city["effect_scale"]} times as large and IKM levels {city["ikm_shift"]} points higher. Unit ids
  repeat Kota Mojokerto's where the kind of unit is the same (`rsud`, `disdukcapil` …): a
  comparison keys every effect by study and unit.
- Overall ATT ("simple" aggregation, semester panel): **{ikm["att_simple"]:.3f}** IKM points.
- Budgets for the innovations of {len(budgets["units_with_budgets"])} units; none for
  {len(budgets["units_without_budgets"])} units.
- No regional panel (`regions`, `pdrb_sectors`): this city has no spillover study.
"""
