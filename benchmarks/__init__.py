"""Benchmarks: our code against the named peer libraries, measured in the same run.

Run with ``make bench`` (installs the peers from the ``bench`` extra) or
``python -m benchmarks [--quick] [--only NAME ...]``. Each candidate runs in its
own subprocess so that its peak memory (max RSS) is its own; the table of
medians, ratios ours/peer and peak memory is written to
``benchmarks/results.md``.
"""
