"""Subprocess entry: time a candidate function and report its peak memory."""

from __future__ import annotations

import importlib
import json
import resource
import sys
import time
import warnings


def main() -> None:
    target, kwargs, repeats, warmup = (
        sys.argv[1],
        json.loads(sys.argv[2]),
        int(sys.argv[3]),
        int(sys.argv[4]),
    )
    module, func = target.split(":")
    warnings.simplefilter("ignore")
    fn = getattr(importlib.import_module(module), func)
    result = None
    for _ in range(warmup):
        result = fn(**kwargs)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn(**kwargs)
        times.append(time.perf_counter() - t0)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"times": times, "peak_mb": peak_mb, "result": result}))


if __name__ == "__main__":
    main()
