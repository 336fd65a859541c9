"""`make bench` / `wirelog bench`: every stage measured next to a baseline of the same run (see benchmarks/run.py)."""

from __future__ import annotations

import argparse

from benchmarks.run import add_arguments, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
