"""The ``innolab`` command: validate parameters, run studies, publish reports.

::

    innolab init kota_batu --city "Kota Batu" [--language id|en]
    innolab validate params/mojokerto.yaml [--no-data]
    innolab run params/mojokerto.yaml [--out reports] [--force] [--only NB[,NB]] [--jobs N]
    innolab batch params/*.yaml [--workers 2 | --scheduler tcp://host:8786]
    innolab list
    innolab publish [--out reports]

Exit codes: 0 success, 1 an analysis failed, 2 bad parameters or data,
130 / 143 interrupted (SIGINT / SIGTERM).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import get_args

from innolab_analysis.options import KernelStart

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="innolab",
        description="Run innolab_analysis study notebooks and publish their HTML reports.",
        epilog="Exit codes: 0 success, 1 an analysis failed, 2 bad parameters or data, "
        "130/143 interrupted.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--out", default="reports", help="reports folder (default: reports)")
        sp.add_argument("--force", action="store_true", help="re-run unchanged notebooks too")
        sp.add_argument(
            "--timeout", type=int, default=600, help="seconds a cell may run (default: 600)"
        )
        sp.add_argument(
            "--notebooks", default=None, help="folder of the notebooks (default: notebooks/)"
        )

    run = sub.add_parser("run", help="run studies one after another and publish their reports")
    run.add_argument("params", nargs="+", metavar="PARAMS", help="study parameter file(s)")
    common(run)
    run.add_argument(
        "--only",
        default=None,
        metavar="NOTEBOOK[,NOTEBOOK]",
        help="run only these notebooks of the study (the others keep their reports)",
    )
    run.add_argument(
        "--jobs",
        type=int,
        default=None,
        help="notebooks executing at once (default: twice the number of cores)",
    )
    run.add_argument(
        "--kernels",
        choices=get_args(KernelStart),
        default="fork",
        help="fork kernels from a process that imported the notebooks' modules once (Linux; "
        "the default), or spawn a fresh interpreter for each",
    )

    batch = sub.add_parser("batch", help="run many studies in parallel")
    batch.add_argument("params", nargs="+", metavar="PARAMS", help="study parameter files")
    common(batch)
    batch.add_argument(
        "--workers", type=int, default=None, help="processes (default: number of cores)"
    )
    batch.add_argument(
        "--scheduler", default=None, help="Dask scheduler address, e.g. tcp://host:8786"
    )

    val = sub.add_parser(
        "validate", help="check parameter files and their data without running anything"
    )
    val.add_argument("params", nargs="+", metavar="PARAMS")
    val.add_argument("--notebooks", default=None, help=argparse.SUPPRESS)
    val.add_argument(
        "--no-data", action="store_true", help="check the parameters only, not the data"
    )

    ini = sub.add_parser(
        "init", help="create a new study: Excel templates, sources.yaml and a parameter file"
    )
    ini.add_argument("folder", metavar="DIR", help="the new study's folder")
    ini.add_argument("--city", default=None, help='the kabupaten/kota, e.g. "Kota Batu"')
    ini.add_argument(
        "--language", choices=("id", "en"), default="id", help="templates and reports (default: id)"
    )

    sub.add_parser("list", help="list the notebooks and their typed parameters")

    pub = sub.add_parser("publish", help="rebuild the index of the reports folder")
    pub.add_argument("--out", default="reports", help="reports folder (default: reports)")
    pub.add_argument("--language", choices=("id", "en"), default=None, help="index language")
    return p


def _say(line: str) -> None:
    print(line, flush=True)


def _summary(runs, out: Path) -> str:
    from innolab_analysis.reports.runner import _rel

    rows = [("study", "notebook", "status", "duration", "headline", "report")]
    for r in runs:
        report = _rel(r.report, out.resolve().parent) if r.report else "–"
        failed = r.status in ("failed", "interrupted")
        head = r.headline[0] if r.headline else ("(see above)" if failed else "–")
        rows.append((r.study, r.notebook, r.status, f"{r.duration_s:.1f} s", head, report))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cmd_list() -> int:
    from innolab_analysis.reports.params import COMMON_KEYS, parameter_table

    rows = parameter_table()
    current = None
    for r in rows:
        if r["notebook"] != current:
            current = r["notebook"]
            print(f"\n{current}")
        note = " (common key)" if r["name"] in COMMON_KEYS else ""
        note += " (set by the runner)" if r["name"] == "output_dir" else ""
        print(f"  {r['name']}: {r['type']} = {r['default']}{note}\n      {r['help']}")
    return 0


def _cmd_validate(args) -> int:
    from innolab_analysis.reports.runner import validate_all

    configs = validate_all(args.params, notebooks_dir=args.notebooks, check_data=not args.no_data)
    for cfg in configs:
        _say(f"ok  {cfg.path.name}: study '{cfg.study}', {', '.join(cfg.notebooks)}")
        if args.no_data:
            continue
        from innolab_analysis.data.check import describe_loaded, loaded_study

        folders = {Path(p.data_dir) for p in cfg.notebooks.values() if getattr(p, "data_dir", None)}
        for folder in sorted(folders):
            _say(describe_loaded(loaded_study(folder)))
    return 0


def _cmd_init(args) -> int:
    from innolab_analysis.data.templates import init_study

    written = init_study(args.folder, city=args.city, language=args.language)
    root = Path(args.folder)
    _say(f"created {root}/:")
    for path in written:
        _say(f"  {path.relative_to(root).as_posix()}")
    params = root / "params.yaml"
    _say(
        f"next: fill in the templates in {root / 'data'} (or copy your exports there and name "
        f"them in data/sources.yaml), then: innolab validate {params}"
    )
    return 0


def _run(args, batch: bool) -> int:
    from innolab_analysis.reports.runner import exit_code, run_batch, run_study, validate_all

    out = Path(args.out)
    configs = validate_all(args.params, notebooks_dir=args.notebooks)
    # a comparison reads the results of the studies it lists: run it after them
    configs = sorted(configs, key=lambda c: hasattr(c, "missing_results"))
    if batch:
        runs = run_batch(
            args.params,
            out=out,
            workers=args.workers,
            scheduler=args.scheduler,
            force=args.force,
            notebooks_dir=args.notebooks,
            timeout=args.timeout,
            progress=_say,
        )
    else:
        from innolab_analysis.reports.runner import select_notebooks

        runs = []
        chosen = [select_notebooks(cfg, args.only) for cfg in configs]  # all checked first
        for cfg, notebooks in zip(configs, chosen):
            _say(f"[{cfg.study}] {len(notebooks)} notebook(s) → {out / cfg.study}")
            runs += run_study(
                cfg,
                out=out,
                force=args.force,
                notebooks_dir=args.notebooks,
                timeout=args.timeout,
                progress=_say,
                build_index=cfg is configs[-1] or exit_code(runs) in (130, 143),
                only=notebooks,
                jobs=args.jobs,
                kernels=args.kernels,
            )
            if exit_code(runs) in (130, 143):
                break
    _say("")
    _say(_summary(runs, out))
    _say(f"index: {out / 'index.html'}")
    return exit_code(runs)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``innolab`` command; returns the exit code."""
    from innolab_analysis.errors import DataValidationError, InnolabError

    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _cmd_list()
        if args.command == "validate":
            return _cmd_validate(args)
        if args.command == "init":
            return _cmd_init(args)
        if args.command == "publish":
            from innolab_analysis.reports.index import build_index

            out = Path(args.out)
            if not out.is_dir():
                print(f"error: no reports folder at {out}", file=sys.stderr)
                return 1
            try:
                _say(f"index: {build_index(out, language=args.language)}")
            except OSError as exc:
                print(f"error: cannot write {out / 'index.html'}: {exc.strerror}", file=sys.stderr)
                return 1
            return 0
        return _run(args, batch=args.command == "batch")
    except DataValidationError as exc:  # ParamsError included
        print(str(exc), file=sys.stderr)
        return 2
    except InnolabError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into e.g. `head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
