"""The index: one row per report, a headline in words, a status in words, failures localised."""

from __future__ import annotations

import json
import re

import pytest

from innolab_analysis.reports.index import ERROR_KINDS, build_index, headline
from innolab_analysis.reports.publish import write_status


def _published(root, notebook, *, record, id_text=None, en_text=None, pdf=False) -> dict:
    """Publish a tiny report of ``notebook`` through the runner's staging (as a run would)."""
    from innolab_analysis.reports.publish import Staging, publish

    staging = Staging.create(
        root / "mojokerto",
        study="mojokerto",
        notebook=notebook,
        run_id=f"r-{notebook}",
        started="t0",
    )
    staging.staged("html").write_text("<html></html>")
    staging.staged("provenance").write_text(json.dumps({"ended": record["attempt_finished"]}))
    if id_text is not None:
        path = staging.staged("findings")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "study": "mojokerto",
                    "notebook": notebook,
                    "findings": {"id": [{"text": id_text}], "en": [{"text": en_text}]},
                }
            )
        )
    if pdf:
        staging.staged("pdf").write_bytes(b"%PDF-1.4")
    base = {"study": "mojokerto", "notebook": notebook, "title": "Kota Mojokerto"}
    return publish(staging, base | record, key="k")


@pytest.fixture
def reports(tmp_path):
    _published(
        tmp_path,
        "service_quality",
        record={"status": "ok", "language": "id", "attempt_finished": "2026-11-30T01:00:00+00:00"},
        id_text="IKM kota naik dari **77,57** (B) menjadi **85,88** (B).",
        en_text="The city IKM rose from **77.57** (B) to **85.88** (B).",
    )
    _published(
        tmp_path,
        "innovation_portfolio",
        record={
            "status": "skipped",
            "language": "en",
            "attempt_finished": "2026-11-30T01:00:00+00:00",
        },
    )
    good = _published(
        tmp_path,
        "city_spillover",
        record={
            "status": "ok",
            "language": "id",
            "timezone": "Asia/Jayapura",
            "attempt_finished": "2026-11-30T01:00:00+00:00",
        },
        id_text="Elastisitas naik **0,41** \\<img src=x onerror=alert(1)\\>.",
        en_text="The elasticity rose by **0.41**.",
        pdf=True,
    )
    # the next attempt failed: the last good report stays published
    write_status(
        tmp_path,
        good
        | {
            "status": "failed",
            "attempt_started": "2026-12-01T01:00:00+00:00",
            "attempt_finished": "2026-12-01T01:02:00+00:00",
            "duration_s": 120.0,
            "error": {"kind": "timeout", "cell": 4, "detail": "CellTimeoutError: 600 s"},
            "debug_notebook": "mojokerto/_executed/city_spillover.ipynb",
        },
    )
    # failed without any report ever published (its debug notebook lies outside the folder)
    write_status(
        tmp_path,
        {
            "study": "mojokerto",
            "notebook": "innovation_impact",
            "status": "failed",
            "language": "id",
            "title": "Kota Mojokerto",
            "error": {"kind": "cell", "cell": 7, "detail": "KeyError: 'x'"},
            "attempt_finished": "2026-12-01T02:00:00+00:00",
            "debug_notebook": "/somewhere/else/innovation_impact.ipynb",
            "published": None,
        },
    )
    return tmp_path


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="run [a-z]+">(.*?)</tr>', html, re.S)


def text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_index_in_the_language_most_reports_use(reports, self_contained):
    html = build_index(reports).read_text()
    self_contained(html)
    assert 'lang="id"' in html and "<h1>Laporan studi</h1>" in html
    assert "Content-Security-Policy" in html
    found = [text(r) for r in rows(html)]
    assert found == [
        "Kualitas layanan (IKM) Berhasil IKM kota naik dari 77,57 (B) menjadi 85,88 (B). "
        "30 November 2026 08.00 WIB",
        "Portofolio inovasi Tidak berubah Laporan ini belum mencatat temuan ringkas. "
        "30 November 2026 08.00 WIB",
        "Dampak inovasi Gagal Salah satu langkah analisis gagal (sel 7). "
        "Percobaan terakhir: 1 Desember 2026 09.00 WIB Belum ada laporan yang berhasil. —",
        "Limpahan pertumbuhan antarkota · PDF Gagal Analisis melebihi batas waktu dan dihentikan. "
        "Percobaan terakhir: 1 Desember 2026 10.02 WIT notebook gagal, untuk analis "
        "Dari laporan tanggal 30 November 2026, hasil terakhir yang berhasil: "
        "Elastisitas naik 0,41 &lt;img src=x onerror=alert(1)&gt;. 30 November 2026 10.00 WIT",
    ]
    assert '<tr class="study-row"><th scope="colgroup" colspan="4" class="study">' in html


def test_index_links_are_relative_and_never_outside_the_folder(reports):
    html = build_index(reports).read_text()
    links = re.findall(r'href="([^"]+)"', html)
    assert links == [
        "mojokerto/service_quality.html",
        "mojokerto/innovation_portfolio.html",
        "mojokerto/city_spillover.html",
        "mojokerto/city_spillover.pdf",
        "mojokerto/_executed/city_spillover.ipynb",
    ]
    assert "/somewhere" not in html and str(reports) not in html


def test_index_in_english_with_status_words(reports):
    html = build_index(reports, language="en").read_text()
    found = [text(r) for r in rows(html)]
    assert found[0].startswith("Service quality (IKM) Up to date The city IKM rose from 77.57")
    assert found[1].startswith("Innovation portfolio Unchanged")
    assert "The analysis ran past its time limit and was stopped." in found[3]
    assert "From the run of 30 November 2026, the last good run:" in found[3]
    assert '<span class="status failed">Failed</span>' in html


@pytest.mark.parametrize("kind", ERROR_KINDS)
def test_every_failure_kind_has_a_sentence_in_both_languages(tmp_path, kind):
    write_status(
        tmp_path,
        {
            "study": "s",
            "notebook": "service_quality",
            "status": "interrupted" if kind == "interrupted" else "failed",
            "language": "id",
            "error": {"kind": kind, "cell": None, "detail": "x"},
        },
    )
    for language in ("id", "en"):
        html = build_index(tmp_path, language=language).read_text()
        message = re.search(r'<p class="error">(.*?)</p>', html)[1]
        assert message and "_" not in message and "x" != message


def test_empty_index(tmp_path, self_contained):
    html = build_index(tmp_path, language="id").read_text()
    self_contained(html)
    assert "<p>Belum ada laporan.</p>" in html


def test_cli_headline_stays_the_compact_effect_rows(tmp_path):
    study = tmp_path / "mojokerto" / "effects"
    study.mkdir(parents=True)
    (study / "service_quality.csv").write_text(
        "study,level,unit,outcome,term,estimate,std_error,ci_lower,ci_upper,p_value,n_obs,method,se_type\n"
        "mojokerto,city,all,ikm,2024-S2,86.0,,85.1,86.9,,5502,skm_index,none\n"
        "mojokerto,agency,disdukcapil,ikm,2024-S2,88.76,,,,,300,skm_index,none\n"
    )
    assert headline(tmp_path, "mojokerto", "service_quality") == [
        "ikm 2024-S2: 86.00 [85.10, 86.90]",
        "disdukcapil · ikm 2024-S2: 88.76",
    ]
