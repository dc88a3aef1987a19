"""``python -m innolab_analysis.demo OUT_DIR [--seed N] [--scale X] [--city pasuruan]``: regenerate a demo study."""

from __future__ import annotations

import argparse
import sys

from innolab_analysis.demo import write_demo_study


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m innolab_analysis.demo", description=__doc__)
    parser.add_argument("out_dir", help="folder to write the study into (created if missing)")
    parser.add_argument("--seed", type=int, default=None, help="default: the city's own seed")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--city", default="mojokerto", choices=("mojokerto", "pasuruan"))
    args = parser.parse_args(argv)
    path = write_demo_study(args.out_dir, seed=args.seed, scale=args.scale, city=args.city)
    sys.stdout.write(f"wrote {path}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
