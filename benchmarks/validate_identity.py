"""Fingerprints of ``tvb validate``'s output, to show a speed change lost no diagnostic.

Run ``python -m benchmarks.validate_identity FILE ... [--today 2026-11-29]``: for each
register it runs ``tvb validate`` as a whole process (as people and CI run it) in both
languages and every format, and prints one line ``<sha256> FILE``: the digest of every
run's standard output, standard error and exit status.  Run it before and after a change
and compare (``diff``); ``-v`` prints one line per run.  Not a test: at 100,000 people
each run takes seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
from pathlib import Path

__all__ = ["fingerprint", "main"]

ROOT = Path(__file__).resolve().parent.parent
RUNS = [(lang, fmt) for lang in ("nl", "en") for fmt in ("text", "json", "github")]


def fingerprint(path: str, today: str, verbose: bool = False) -> str:
    """SHA-256 over the runs of ``tvb validate`` on *path* (see the module docstring)."""
    total = hashlib.sha256()
    for lang, fmt in RUNS:
        proc = subprocess.run([sys.executable, "-m", "tvb", "--lang", lang, "validate", path,
                               "--today", today, "--format", fmt], capture_output=True,
                              cwd=ROOT, check=False)
        one = hashlib.sha256(proc.stdout + b"\0" + proc.stderr + b"\0" +
                             str(proc.returncode).encode()).hexdigest()
        total.update(one.encode())
        if verbose:
            print(f"  {one} {lang} {fmt} exit {proc.returncode}")
    return total.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.validate_identity",
                                     description=__doc__)
    parser.add_argument("files", nargs="+", help="registers to validate")
    parser.add_argument("--today", default="2026-11-29", help="the date to judge against")
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per run")
    args = parser.parse_args(argv)
    for path in args.files:
        print(fingerprint(path, args.today, args.verbose), path)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
