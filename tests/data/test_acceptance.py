"""Done when: a new user with a Google Form export, the office's OPD list and an innovation
register runs `innolab init`, copies the files in, writes only what cannot be recognised into
sources.yaml, sees every remaining problem with its fix from `innolab validate`, fixes them, and
`innolab run` publishes the service-quality report — whose IKM per unit and year equals an
independent computation from the raw files (plain pandas, the regulation's formula)."""

from __future__ import annotations

import shutil
from pathlib import Path

import exports as ex
import numpy as np
import pandas as pd
import pytest

from innolab_analysis.cli import main

pytestmark = pytest.mark.slow


def _independent_ikm(data: Path) -> tuple[dict[tuple[str, int], float], dict[int, float]]:
    """The IKM per unit and year, and per year for the city, from the raw files alone.

    Reads the OPD list (header under its title rows) and the form's sheet with plain pandas,
    maps each answer label to its score with the questionnaire's own table (question 8 is
    sarana = U9, question 9 is pengaduan = U8), reads the timestamps day first, and applies
    Permen PANRB 14/2017: the mean of each element over those who answered it, the mean of
    the nine, × 25, rounded half up to two decimals.
    """
    opd = pd.read_excel(data / "Daftar OPD.xlsx", skiprows=3).dropna(subset=["Singkatan"])
    unit_id = {
        str(n).strip().lower(): str(a).strip().upper()
        for n, a in zip(opd["Nama Perangkat Daerah"], opd["Singkatan"])
    }
    form = pd.read_excel(
        data / "Survei SKM (Jawaban).xlsx", sheet_name="Jawaban Formulir 1", dtype=str
    )
    table = pd.DataFrame(
        {
            "unit": form["Unit Layanan"].str.strip().str.lower().map(unit_id),
            "year": pd.to_datetime(form["Stempel waktu"], format="%d/%m/%Y %H:%M:%S").dt.year,
        }
    )
    for code, question, labels in ex.QUESTIONS:
        scores = {label.lower(): i for i, label in enumerate(labels, start=1)}
        if code == "u8":
            scores["ada tapi tidak berfungsi"] = 2
        table[code] = form[question].str.strip().str.lower().map(scores)
    elements = [f"u{k}" for k in range(1, 10)]

    def ikm(group: pd.DataFrame) -> float:
        return ex.round_half_up(float(np.mean([group[e].mean() for e in elements])) * 25)

    per_unit = {(u, int(y)): ikm(g) for (u, y), g in table.groupby(["unit", "year"])}
    city = {int(y): ikm(g) for y, g in table.groupby("year")}
    return per_unit, city


def test_from_a_google_form_export_to_a_published_report(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    # 1. a new study
    assert main(["init", "kota_batu", "--city", "Kota Batu"]) == 0
    data = tmp_path / "kota_batu" / "data"
    # 2. the user's own files, as exported
    exports = tmp_path / "unduhan"
    exports.mkdir()
    resp = ex.responses()
    ex.write_xlsx(
        exports / "Survei SKM (Jawaban).xlsx",
        {"Jawaban Formulir 1": ex.frame_rows(ex.google_form(resp, "id"))},
    )
    ex.opd_list(exports / "Daftar OPD.xlsx")
    ex.innovation_register(exports / "Rekap Inovasi.xlsx")
    for f in exports.iterdir():
        shutil.copy(f, data / f.name)
    # 3. only what cannot be recognised: which file holds which table
    with (data / "sources.yaml").open("a") as fh:
        fh.write(
            'skm_responses: {file: "Survei SKM (Jawaban).xlsx"}\n'
            'agencies: {file: "Daftar OPD.xlsx"}\n'
            "innovations:\n"
            '  file: "Rekap Inovasi.xlsx"\n'
        )
    capsys.readouterr()
    # 4. every remaining problem, with its fix
    assert main(["validate", "kota_batu/params.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "2 problem(s) in the parameters:"
    assert (
        "kota_batu/data/Rekap Inovasi.xlsx, column 'origin': required column is missing" in err
        and "innovations: {derive: {origin: {value: original}}}" in err
    )
    assert (
        "kota_batu/data/Rekap Inovasi.xlsx, column 'proposed_on': required column is missing" in err
        and "innovations: {derive: {proposed_on: {from: <column>}}}" in err
    )
    # 5. the fixes the messages name
    with (data / "sources.yaml").open("a") as fh:
        fh.write("  derive: {origin: {value: original}, proposed_on: {from: trial_on}}\n")
    assert main(["validate", "kota_batu/params.yaml"]) == 0
    out = capsys.readouterr().out
    assert "    skm_responses      120 rows ← Survei SKM (Jawaban).xlsx" in out
    assert "      unit named agency_id: " in out
    # 6. publish the service-quality report for the survey years
    params = tmp_path / "kota_batu" / "params.yaml"
    text = params.read_text()
    head = text[: text.index("start_year:")]
    params.write_text(
        head + "start_year: 2023\nend_year: 2024\nnotebooks:\n"
        '  service_quality: {standard: "2017", frequency: year}\n'
    )
    assert main(["run", "kota_batu/params.yaml", "--out", "reports"]) == 0
    report = tmp_path / "reports" / "kota_batu" / "service_quality.html"
    assert report.is_file()
    # the published numbers equal the independent computation from the raw files
    per_unit, city = _independent_ikm(data)
    assert per_unit == ex.ikm_by_unit_year(resp)  # the raw files hold the planted answers
    effects = pd.read_csv(tmp_path / "reports" / "kota_batu" / "effects" / "service_quality.csv")
    assert dict(zip(effects["term"].astype(int), effects["estimate"])) == city
    from innolab_analysis.data import load_study
    from innolab_analysis.studies.service import service_quality

    sq = service_quality(load_study(data), start_year=2023, end_year=2024, frequency="year")
    toolkit = {
        (str(a), int(p.year)): float(v)
        for a, p, v in sq.agencies[["agency_id", "period", "ikm"]].values
    }
    assert toolkit == per_unit
    html = report.read_text(encoding="utf-8")
    for year, value in city.items():
        assert f"{value:.2f}".replace(".", ",") in html, year  # the Indonesian report shows it
