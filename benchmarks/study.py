"""Workload 5: the default study end to end (notebooks → HTML), and a batch of studies.

* ``innolab run params/mojokerto.yaml --force`` (warm: the reports folder
  exists, every notebook re-runs) against the same computations and figures
  done in one plain Python process (:mod:`benchmarks.plain_study`), both
  started as fresh processes, so each pays its interpreter start and imports.
  Floor (issue 15): ours at most 1.3× the plain script. Both record the same
  effect rows, compared number by number.
* ``innolab batch P1 … Pn --workers 2`` against ``--workers 1``. Floor: at
  least 1.7× faster with two workers (ratio ≤ 1/1.7).

The parameter files are copies of ``params/mojokerto.yaml`` with their own
``study`` id and an absolute ``data_dir``, written to the work folder.
``INNOLAB_BENCH_STUDIES=N`` changes the batch size (default 40; 4 with
``--quick``). The load average after each candidate is in its note: the machine
is shared, and a ratio of two candidates measured a minute apart is only as
good as the load was steady.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks._harness import ROOT, Case

PARAMS = ROOT / "params" / "mojokerto.yaml"
NOTEBOOKS = ROOT / "notebooks"


def write_params(workdir: Path, n: int) -> list[Path]:
    """``n`` copies of the default parameter file, study ids ``bench_00`` …, absolute data_dir."""
    import yaml

    base = yaml.safe_load(PARAMS.read_text(encoding="utf-8"))
    base["data_dir"] = str((PARAMS.parent / base["data_dir"]).resolve())
    base["notebooks"] = {
        k: v for k, v in base["notebooks"].items() if (NOTEBOOKS / f"{k}.ipynb").is_file()
    }
    folder = workdir / "study_params"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        p = folder / f"bench_{i:02d}.yaml"
        p.write_text(yaml.safe_dump(base | {"study": f"bench_{i:02d}"}, sort_keys=False))
        files.append(p)
    return files


def _estimates(out: Path) -> dict[str, float]:
    """Every estimate the notebooks recorded, keyed by notebook/outcome/term (study id dropped)."""
    import pandas as pd

    result: dict[str, float] = {}
    for csv in sorted(out.glob("*/effects/*.csv")):
        df = pd.read_csv(csv)
        for row in df.itertuples(index=False):
            if pd.notna(row.estimate):
                key = f"{row.study}|{csv.stem}|{row.unit}|{row.outcome}|{row.term}"
                result[key] = float(row.estimate)
    return result


def _fresh(out: str) -> Path:
    path = Path(out)
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _innolab(*args: str) -> None:
    exe = Path(sys.executable).with_name("innolab")
    proc = subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"innolab {args[0]} failed: {(proc.stderr or proc.stdout)[-500:]}")


def _load_note(result: dict[str, float]) -> dict[str, float]:
    result["_note"] = f"load average {os.getloadavg()[0]:.1f} after the run"  # type: ignore[assignment]
    return result


def ours_run(params: str, out: str) -> dict[str, float]:
    path = Path(out)  # kept between repeats: a warm run, --force re-runs every notebook
    path.mkdir(parents=True, exist_ok=True)
    _innolab("run", params, "--out", str(path), "--force")
    return _load_note(_estimates(path))


def plain_script(params: str, out: str) -> dict[str, float]:
    path = _fresh(out)
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.plain_study", params, str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"plain study failed: {(proc.stderr or proc.stdout)[-500:]}")
    return _load_note(_estimates(path))


def ours_batch(params: list[str], out: str, workers: int) -> dict[str, float]:
    path = _fresh(out)
    _innolab("batch", *params, "--workers", str(workers), "--out", str(path), "--force")
    return _estimates(path)


def cases(workdir: Path, quick: bool):
    n = int(os.environ.get("INNOLAB_BENCH_STUDIES", 4 if quick else 40))
    files = [str(p) for p in write_params(workdir, n)]
    kept = ", ".join(
        k for k in ("service_quality", "innovation_portfolio", "innovation_impact",
                    "city_spillover", "comparative_synthesis")
        if (NOTEBOOKS / f"{k}.ipynb").is_file()
    )  # fmt: skip
    name = "Default study end to end"
    size = f"1 study ({kept})"
    bname = "Batch of studies"
    bsize = f"{n} parameter files ({kept})"
    return [
        [
            Case(
                name, size, "ours (innolab run --force → HTML + index)", "benchmarks.study:ours_run",
                {"params": files[0], "out": str(workdir / "study_ours")},
                repeats=3, warmup=1,
            ),
            Case(
                name, size, "the same in one plain Python process", "benchmarks.study:plain_script",
                {"params": files[0], "out": str(workdir / "study_plain")},
                repeats=3, floor=1.3, note="floor: ≤ 1.3× the plain script", tol=1e-9,
            ),
        ],
        [
            Case(
                bname, bsize, "ours, innolab batch --workers 2", "benchmarks.study:ours_batch",
                {"params": files, "out": str(workdir / "batch_2"), "workers": 2},
                repeats=1,
            ),
            Case(
                bname, bsize, "ours, innolab batch --workers 1", "benchmarks.study:ours_batch",
                {"params": files, "out": str(workdir / "batch_1"), "workers": 1},
                repeats=1, floor=round(1 / 1.7, 3), note="floor: ≥ 1.7× faster with 2 workers",
            ),
        ],
    ]  # fmt: skip
