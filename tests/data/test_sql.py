"""Databases as sources: SQLite and a real PostgreSQL server the tests start and stop.

The PostgreSQL server is Debian's ``postgresql`` package (``.ci/run`` installs it). Outside CI
a missing server skips with the reason; under ``CI=true`` it fails. initdb refuses to run as
root, so as root the server runs as the ``postgres`` user, in a temporary folder, on a free
port, with its socket in that folder.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import exports as ex
import pandas as pd
import pytest

from innolab_analysis.data import load_study
from innolab_analysis.errors import DataValidationError
from innolab_analysis.metrics.skm import skm_index

PASSWORD = "s3cret-Rahasia"


def _table(resp: pd.DataFrame) -> pd.DataFrame:
    """How an e-SKM app stores answers: one row per respondent, regulation order u1 … u9."""
    return pd.DataFrame(
        {
            "id": range(1, len(resp) + 1),
            "kode_unit": [ex.UNITS[u][0] for u in resp["unit"]],
            "tanggal": [s.date() for s in resp["stamp"]],
            "layanan": "Pelayanan umum",
            **{f"u{k}": resp[f"u{k}"] for k in range(1, 10)},
        }
    )


def _ikm(study) -> dict[tuple[str, int], float]:
    skm = study.skm_responses.assign(year=study.skm_responses["survey_date"].dt.year)
    out = skm_index(skm, by=["agency_id", "year"])
    return {(str(a), int(y)): float(v) for a, y, v in out[["agency_id", "year", "ikm"]].values}


@pytest.fixture
def study_folder(tmp_path):
    folder = tmp_path / "sql"
    folder.mkdir()
    ex.opd_list(folder / "agencies.xlsx")
    return folder


def test_sqlite_table_and_query(study_folder):
    from sqlalchemy import create_engine

    resp = ex.responses()
    engine = create_engine(f"sqlite:///{study_folder / 'eskm.db'}")
    _table(resp).to_sql("jawaban_skm", engine, index=False)
    engine.dispose()
    sources = {
        "city": "Kota Batu",
        "skm_responses": {"sql": {"url": "sqlite:///eskm.db", "table": "jawaban_skm"}},
    }
    study = load_study(study_folder, sources=sources)
    assert study.sources["skm_responses"] == ("sql:jawaban_skm (skm_responses)",)
    assert len(study.skm_responses) == 120
    assert pd.isna(study.skm_responses["u3"].iloc[5])  # 0 = no answer
    assert _ikm(study) == ex.ikm_by_unit_year(resp)
    sources["skm_responses"] = {
        "sql": {
            "url": "sqlite:///eskm.db",
            "query": "SELECT * FROM jawaban_skm WHERE kode_unit = 'DINKES'",
        }
    }
    study = load_study(study_folder, sources=sources)
    assert set(study.skm_responses["agency_id"]) == {"DINKES"}
    assert study.sources["skm_responses"] == ("sql:query (skm_responses)",)


# --------------------------------------------------------------------------- PostgreSQL


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is needed under CI=true: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL server: (host, port); stopped and removed after the tests."""
    bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not bins:
        _unavailable("no PostgreSQL server here (Debian package 'postgresql'; .ci/run installs it)")
    bindir = Path(bins[-1]).parent
    as_user: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            _unavailable("running as root without runuser: initdb cannot be run as root")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root and there is no 'postgres' user to run initdb")
        as_user = ["runuser", "-u", "postgres", "--"]
    root = Path(tempfile.mkdtemp(prefix="innolab-pg-"))
    data, pwfile = root / "data", root / "pw"
    pwfile.write_text("postgres-admin\n")
    if as_user:
        shutil.chown(root, "postgres")
        shutil.chown(pwfile, "postgres")
    port = _free_port()

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*as_user, *args], capture_output=True, text=True, check=True)

    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--pwfile",
            str(pwfile),
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
        )
        options = f"-p {port} -k {root} -c listen_addresses=127.0.0.1"
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(root / "log"),
            "-w",
            "-t",
            "30",
            "start",
        )
    except (subprocess.CalledProcessError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        _unavailable(f"PostgreSQL did not start: {getattr(exc, 'stderr', exc)}")
    psql = [*as_user, str(bindir / "psql"), "-h", str(root), "-p", str(port), "-U", "postgres"]
    subprocess.run(
        [*psql, "-c", f"CREATE ROLE analis LOGIN PASSWORD '{PASSWORD}'"],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [*psql, "-c", "CREATE DATABASE eskm OWNER analis"], check=True, capture_output=True
    )
    try:
        yield "127.0.0.1", port
    finally:
        subprocess.run(
            [*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"],
            capture_output=True,
        )
        for _ in range(20):
            if not (data / "postmaster.pid").exists():
                break
            time.sleep(0.2)
        shutil.rmtree(root, ignore_errors=True)


def test_postgresql_table_with_the_password_from_the_environment(
    postgres, study_folder, monkeypatch
):
    from sqlalchemy import create_engine

    host, port = postgres
    url = f"postgresql+psycopg://analis@{host}:{port}/eskm"
    resp = ex.responses()
    engine = create_engine(url.replace("analis@", f"analis:{PASSWORD}@"))
    _table(resp).to_sql("jawaban_skm", engine, index=False, if_exists="replace")
    engine.dispose()
    (study_folder / "sources.yaml").write_text(
        "city: Kota Batu\n"
        "skm_responses:\n"
        "  sql:\n"
        f"    url: {url}\n"
        "    password_env: ESKM_PASSWORD\n"
        "    table: jawaban_skm\n"
    )
    monkeypatch.delenv("ESKM_PASSWORD", raising=False)
    with pytest.raises(DataValidationError) as info:
        load_study(study_folder)
    assert [str(p) for p in info.value.problems] == [
        "sql:jawaban_skm (skm_responses): the environment variable ESKM_PASSWORD (named by "
        "password_env) is not set; set it to the database password before loading"
    ]
    monkeypatch.setenv("ESKM_PASSWORD", "wrong-password")
    with pytest.raises(DataValidationError) as info:
        load_study(study_folder)
    text = str(info.value)
    assert 'password authentication failed for user "analis"' in text
    assert "wrong-password" not in text and PASSWORD not in text

    monkeypatch.setenv("ESKM_PASSWORD", PASSWORD)
    study = load_study(study_folder)
    assert len(study.skm_responses) == 120
    assert _ikm(study) == ex.ikm_by_unit_year(resp)
    # the password reaches no record of the load, and no provenance of a run
    from innolab_analysis.reports.provenance import input_hashes

    records = json.dumps(
        [
            repr(study),
            study.sources,
            [r.__dict__ for r in study.recognitions],
            input_hashes(study_folder),
        ],
        default=str,
    )
    assert PASSWORD not in records
    assert PASSWORD not in (study_folder / "sources.yaml").read_text()
