"""Subprocess entry: time a candidate function and report its peak memory."""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
import warnings


def _peak_rss_mb() -> float:
    """Peak RSS of this interpreter (and of any worker processes it started and reaped).

    ``ru_maxrss`` of RUSAGE_SELF is not used alone: Linux carries the parent's
    high-water mark across fork + exec, so every candidate would report at least
    the driver's memory. ``VmHWM`` belongs to this process image only.
    """
    peak_kb = 0.0
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    peak_kb = float(line.split()[1])
    except OSError:
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(peak_kb, children) / 1024


def main() -> None:
    target, kwargs, repeats, warmup = (
        sys.argv[1],
        json.loads(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
    )
    module, func = target.split(":")
    warnings.simplefilter("ignore")
    setup = sys.argv[5] if len(sys.argv) > 5 else ""
    if setup:
        smod, sfunc = setup.split(":")
        getattr(importlib.import_module(smod), sfunc)()
    fn = getattr(importlib.import_module(module), func)
    result = None
    for _ in range(warmup):
        result = fn(**kwargs)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn(**kwargs)
        times.append(time.perf_counter() - t0)
    peak_mb = _peak_rss_mb()
    print(json.dumps({"times": times, "peak_mb": peak_mb, "result": result}))


if __name__ == "__main__":
    main()
