"""innolab validate loads the data: every problem at once, the messages run gives, exit 2 before
any kernel; --no-data checks the parameters only; what was recognised is printed."""

from __future__ import annotations

import exports as ex
import pytest

from innolab_analysis.cli import main
from innolab_analysis.data import load_study
from innolab_analysis.errors import DataValidationError, ParamsError
from innolab_analysis.reports.params import load_params

PARAMS = (
    "study: batu\n"  # 1
    "data_dir: data\n"  # 2
    "language: id\n"  # 3
    "start_year: {start}\n"  # 4
    "end_year: {end}\n"  # 5
    "notebooks:\n"  # 6
    '  service_quality: {{standard: "2017", frequency: year}}\n'  # 7
)


@pytest.fixture
def study(tmp_path, monkeypatch):
    """A Google Form and an OPD list in batu/data, with a sources.yaml naming them; cwd = tmp."""
    root = tmp_path / "batu"
    data = root / "data"
    data.mkdir(parents=True)
    ex.opd_list(data / "Daftar OPD.xlsx")
    form = ex.google_form(ex.responses(n=30), "id")
    ex.write_xlsx(data / "Survei SKM (Jawaban).xlsx", {"Jawaban Formulir 1": ex.frame_rows(form)})
    (data / "sources.yaml").write_text(
        'city: Kota Batu\nagencies: {file: "Daftar OPD.xlsx"}\n'
        'skm_responses: {file: "Survei SKM (Jawaban).xlsx"}\n'
    )
    (root / "params.yaml").write_text(PARAMS.format(start=2023, end=2024))
    monkeypatch.chdir(tmp_path)
    return root, form


def test_validate_prints_what_was_recognised(study, capsys):
    assert main(["validate", "batu/params.yaml"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:5] == [
        "ok  params.yaml: study 'batu', service_quality",
        "  data batu/data: 2 tables",
        "    agencies             6 rows ← Daftar OPD.xlsx",
        "    skm_responses       30 rows ← Survei SKM (Jawaban).xlsx",
        "  recognised (nothing was configured for these):",
    ]
    assert (
        "      Google Forms timestamp: 'Stempel waktu' → survey_date (Indonesian locale, day first) (30 rows)"
        in lines
    )
    assert (
        "      SKM question: 'Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?' → u9 (30 rows)"
        in lines
    )
    assert lines[-3:] == [
        "  private (a report shows them only as aggregates):",
        "    agencies: 'No'",
        "    skm_responses: 'gender', 'age', 'education', 'Nama (boleh dikosongkan)', "
        "'Pekerjaan', 'Kritik dan Saran', 'No. HP'",
    ]


def test_data_problems_stop_validate_and_run_before_any_kernel(study, capsys, monkeypatch):
    root, form = study
    q = ex.QUESTIONS[0][1]
    form.loc[3, q] = "Lumayan sesuai"
    form.loc[4, "Unit Layanan"] = "Dinas Pariwisata"
    ex.write_xlsx(
        root / "data" / "Survei SKM (Jawaban).xlsx", {"Jawaban Formulir 1": ex.frame_rows(form)}
    )
    with pytest.raises(DataValidationError) as info:
        load_study(root / "data")
    expected = [f"batu/data/{p}" for p in map(str, info.value.problems)]
    assert len(expected) == 2

    assert main(["validate", "batu/params.yaml"]) == 2
    assert capsys.readouterr().err.splitlines() == ["2 problem(s) in the parameters:"] + [
        f"  - {e}" for e in expected
    ]

    def no_kernel(*a, **k):  # pragma: no cover - must not be reached
        raise AssertionError("a kernel was started for invalid data")

    monkeypatch.setattr("innolab_analysis.reports.runner._execute", no_kernel)
    assert main(["run", "batu/params.yaml", "--out", "out"]) == 2
    assert capsys.readouterr().err.splitlines()[1:] == [f"  - {e}" for e in expected]

    assert main(["validate", "batu/params.yaml", "--no-data"]) == 0
    assert capsys.readouterr().out == "ok  params.yaml: study 'batu', service_quality\n"
    assert load_params("batu/params.yaml", check_data=False).study == "batu"


def test_survey_years_outside_the_data_are_named_with_their_line(study):
    root, _ = study
    stamps = ex.responses(n=30)["stamp"]
    (root / "params.yaml").write_text(PARAMS.format(start=2015, end=2020))
    with pytest.raises(ParamsError) as info:
        load_params(root / "params.yaml")
    assert [str(p) for p in info.value.problems] == [
        "batu/params.yaml:4, column 'start_year': notebook 'service_quality' keeps the SKM "
        f"responses of 2015–2020, but the survey dates run from {stamps.min():%Y-%m-%d} to "
        f"{stamps.max():%Y-%m-%d}; set start_year and end_year inside them"
    ]
