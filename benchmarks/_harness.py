"""Run one candidate per subprocess; collect medians, peak memory and results."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Case:
    """One candidate of a workload.

    ``floor`` is the largest acceptable ratio ours/this. ``compare`` says how the
    results must agree: ``"equal"`` (every number within ``tol``) or
    ``"ours_not_worse"`` (a loss such as a pre-period RMSPE: ours ≤ this × (1 + tol)) or
    ``"differs"`` (a peer known to compute something else: the difference is shown, the
    note says why, no failure).
    """

    workload: str
    size: str
    implementation: str
    target: str
    kwargs: dict
    repeats: int = 3
    warmup: int = 0
    floor: float | None = None
    note: str = ""
    compare: str = "equal"
    max_mb: float | None = None
    setup: str = (
        ""  # "module:function" called once, untimed, before the warm-up (e.g. start a cluster)
    )
    tol: float = 1e-6
    timeout: float = 3600


@dataclass
class Measurement:
    workload: str
    size: str
    implementation: str
    times: list[float] = field(default_factory=list)
    peak_mb: float = float("nan")
    result: object = None
    error: str = ""
    note: str = ""  # what the candidate reported about itself (e.g. Dask worker memory)

    @property
    def median(self) -> float:
        return float(np.median(self.times)) if self.times else float("nan")


def measure(
    workload: str,
    size: str,
    implementation: str,
    target: str,
    kwargs: dict,
    *,
    repeats: int = 3,
    warmup: int = 0,
    timeout: float = 3600,
    setup: str = "",
) -> Measurement:
    """Run ``target`` ("module:function") ``repeats`` times in a fresh interpreter.

    The function is called with ``kwargs`` and returns a JSON-serialisable
    result used to check that implementations agree.
    """
    cmd = [
        sys.executable,
        "-m",
        "benchmarks._worker",
        target,
        json.dumps(kwargs),
        str(repeats),
        str(warmup),
        setup,
    ]
    env = dict(os.environ, PYTHONHASHSEED="0", PYDEVD_DISABLE_FILE_VALIDATION="1")
    m = Measurement(workload, size, implementation)
    try:
        proc = subprocess.run(
            cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        m.error = f"timed out after {timeout:.0f} s"
        return m
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        m.error = tail[0][:200]
        return m
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    m.times = out["times"]
    m.peak_mb = out["peak_mb"]
    m.result = out["result"]
    if isinstance(m.result, dict) and "_note" in m.result:
        m.note = str(m.result.pop("_note"))
    return m


def max_abs_diff(a, b) -> float:
    """Largest absolute difference between two nested results (lists/dicts of numbers)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = set(a) & set(b)
        if not keys:
            return float("inf")
        return max(max_abs_diff(a[k], b[k]) for k in keys)
    aa = np.asarray(a, dtype=float)
    bb = np.asarray(b, dtype=float)
    if aa.shape != bb.shape:
        return float("inf")
    if aa.size == 0:
        return 0.0
    return float(np.nanmax(np.abs(aa - bb)))


def render(rows: list[dict]) -> str:
    """Markdown table."""
    head = [
        "workload",
        "size",
        "implementation",
        "median s",
        "runs",
        "ours / this",
        "peak MB",
        "same numbers",
        "note",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(
                [
                    r["workload"],
                    r["size"],
                    r["implementation"],
                    "–" if r["median"] != r["median"] else f"{r['median']:.3f}",
                    str(r.get("runs", "")),
                    r.get("ratio", ""),
                    "–"
                    if r["peak_mb"] != r["peak_mb"]
                    else f"{r['peak_mb']:.0f}" + r.get("mem", ""),
                    r.get("same", ""),
                    r.get("note", ""),
                ]
            )
            + " |"
        )
    return "\n".join(lines)
