"""``python -m benchmarks [--quick] [--only skm twfe ...]``: run the workloads, write results.md."""

from __future__ import annotations

import argparse
import importlib
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._harness import ROOT, max_abs_diff, measure, render

WORKLOADS = ["skm", "staggered", "twfe", "synth", "study", "national", "sdid", "event", "switching"]


def _machine() -> str:
    import os

    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            kb = int(fh.readline().split()[1])
        mem = f", {kb / 1024**2:.0f} GB RAM"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    return f"{os.cpu_count()} cores ({cpu}){mem}, Python {platform.python_version()}, {platform.system()}"


def _run_group(group, rows: list[dict], failures: list[str]) -> None:
    ours_case, *peers = group
    print(f"== {ours_case.workload} ({ours_case.size})", flush=True)
    ours = measure(
        ours_case.workload,
        ours_case.size,
        ours_case.implementation,
        ours_case.target,
        ours_case.kwargs,
        repeats=ours_case.repeats,
        warmup=ours_case.warmup,
        timeout=ours_case.timeout,
        setup=ours_case.setup,
    )
    print(
        f"   {ours_case.implementation}: {ours.median:.3f} s, {ours.peak_mb:.0f} MB {ours.error}",
        flush=True,
    )
    mem = ""
    if ours_case.max_mb is not None and ours.times:
        mem = " ✔" if ours.peak_mb <= ours_case.max_mb else f" ✘ (≤ {ours_case.max_mb:.0f})"
        if ours.peak_mb > ours_case.max_mb:
            failures.append(
                f"{ours_case.workload} ({ours_case.size}): peak {ours.peak_mb:.0f} MB "
                f"> {ours_case.max_mb:.0f} MB"
            )
    rows.append(
        {
            "mem": mem,
            "runs": len(ours.times),
            "workload": ours.workload,
            "size": ours.size,
            "implementation": ours.implementation,
            "median": ours.median,
            "peak_mb": ours.peak_mb,
            "ratio": "1.00",
            "same": "",
            "note": ours.error or "; ".join(x for x in (ours_case.note, ours.note) if x),
        }
    )
    for case in peers:
        m = measure(
            case.workload,
            case.size,
            case.implementation,
            case.target,
            case.kwargs,
            repeats=case.repeats,
            warmup=case.warmup,
            timeout=case.timeout,
            setup=case.setup,
        )
        ratio = ours.median / m.median if m.times and ours.times else float("nan")
        diff = max_abs_diff(ours.result, m.result) if m.times and ours.times else float("nan")
        ok = ratio <= case.floor if case.floor is not None and ratio == ratio else None
        if ok is False:
            failures.append(
                f"{case.workload} ({case.size}): ours/{case.implementation} = {ratio:.2f} "
                f"> {case.floor}"
            )
        same = "–" if diff != diff else f"max diff {diff:.1e}"
        if isinstance(ours.result, dict) and isinstance(m.result, dict):
            common = set(ours.result) & set(m.result)
            if common != set(ours.result) | set(m.result):
                same += f" (on the {len(common)} of {len(set(ours.result) | set(m.result))} keys both report)"
        if m.times and ours.times and case.compare == "ours_not_worse":
            worse = _worse(ours.result, m.result, case.tol)
            same = (
                "ours " + ", ".join(f"{k} {v:.4g}" for k, v in sorted(ours.result.items()))
                + " vs " + ", ".join(f"{k} {v:.4g}" for k, v in sorted(m.result.items()))
                + (" ✘ worse" if worse else " ✔ not worse")
            )  # fmt: skip
            if worse:
                failures.append(f"{case.workload}: our result is worse than {case.implementation}")
        elif m.times and ours.times and case.compare == "differs" and not diff <= case.tol:
            same += " (differs, see note)"  # a peer known to compute something else
        elif m.times and ours.times and not diff <= case.tol:
            same += f" ✘ (tolerance {case.tol:g})"
            failures.append(
                f"{case.workload} ({case.size}): results differ from {case.implementation} "
                f"by {diff:.2e} > {case.tol:g}"
            )
        print(
            f"   {case.implementation}: {m.median:.3f} s, {m.peak_mb:.0f} MB, "
            f"ours/this {ratio:.2f}, max |diff| {diff:.2e} {m.error}",
            flush=True,
        )
        rows.append(
            {
                "runs": len(m.times),
                "workload": m.workload,
                "size": m.size,
                "implementation": m.implementation,
                "median": m.median,
                "peak_mb": m.peak_mb,
                "ratio": "–"
                if ratio != ratio
                else f"{ratio:.2f}"
                + ("" if case.floor is None else (" ✔" if ok else f" ✘ (floor ≤ {case.floor})")),
                "same": same,
                "note": m.error or "; ".join(x for x in (case.note, m.note) if x),
            }
        )


def _worse(ours: dict, peer: dict, tol: float) -> bool:
    """Any loss of ours above the peer's (relative tolerance ``tol``)."""
    return any(ours[k] > peer[k] * (1 + tol) + 1e-12 for k in set(ours) & set(peer))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (minutes, not hours)")
    parser.add_argument("--only", nargs="*", choices=WORKLOADS, default=None)
    parser.add_argument("--workdir", type=Path, default=None, help="where inputs are generated")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.gettempdir()) / "innolab-bench"
    workdir.mkdir(parents=True, exist_ok=True)

    sections = _read_sections(args.out) if args.out.is_file() else {}
    for name in args.only or WORKLOADS:
        rows: list[dict] = []
        failures: list[str] = []
        module = importlib.import_module(f"benchmarks.{name}")
        for group in module.cases(workdir, args.quick):
            _run_group(group, rows, failures)
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        title = (module.__doc__ or name).strip().splitlines()[0]
        text = (
            f"{_MARK}{name} -->\n## {title}\n\nMeasured {stamp} on {_machine()}"
            f"{' (quick sizes)' if args.quick else ''}.\n\n" + render(rows) + "\n"
        )
        notes = getattr(module, "NOTES", "")  # what the table cannot say (checks made by hand)
        text += f"\n{notes.strip()}\n" if notes else ""
        text += (
            "\nFloors not met:\n" + "".join(f"- {f}\n" for f in failures)
            if failures
            else "\nEvery floor of this workload is met.\n"
        )
        sections[name] = text
        print(text, flush=True)
        args.out.write_text(_document(sections))  # after every workload: nothing measured is lost
    return 0


_MARK = "<!-- workload: "
_HEADER = (
    "# Benchmark results\n\n"
    "`python -m benchmarks` (or `make bench`) regenerates this file; `--only NAME` re-measures "
    "one workload and keeps the others' sections. Times are medians of the repeats (column "
    "`runs`) measured in a fresh subprocess per candidate; `ours / this` below 1 means we are "
    "faster (✔/✘: the floor of the issue); peak MB is the peak RSS (VmHWM) of that subprocess "
    "and of the children it waited for. The machine is shared: other jobs ran at the same "
    "time, so single numbers are noisy; ratios measured in the same run are the robust part.\n\n"
)


def _read_sections(path: Path) -> dict[str, str]:
    """The per-workload sections of an existing results file (older formats are dropped)."""
    text = path.read_text(encoding="utf-8")
    sections: dict[str, str] = {}
    for chunk in text.split(_MARK)[1:]:
        name = chunk.split(" -->", 1)[0].strip()
        if name in WORKLOADS:
            sections[name] = _MARK + chunk.rstrip() + "\n"
    return sections


def _document(sections: dict[str, str]) -> str:
    return _HEADER + "\n".join(sections[n] for n in WORKLOADS if n in sections)


if __name__ == "__main__":
    sys.exit(main())
