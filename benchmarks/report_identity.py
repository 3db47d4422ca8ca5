"""Fingerprints of ``tvb report`` in every format, to show a speed change kept the output.

Run ``python -m benchmarks.report_identity FILE ... [--today 2026-11-29]``: for each
register it prints one line ``<sha256 of json> <of md> <of html> FILE``.  Run it before
and after a change and compare (``diff``); the sample and generated registers of 1,000
and 10,000 people are the ones the README cites.  Not a test: it takes seconds per
10,000 people.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys

__all__ = ["fingerprints", "main"]


def fingerprints(path: str, today: dt.date) -> dict[str, str]:
    """SHA-256 of the report of the register at *path* as JSON, Markdown and HTML."""
    from graph.analysis import report
    from registry.validate import load_registry
    from render.report import render_html, render_json, render_markdown

    rep = report(load_registry(path, today=today).registry, today)
    return {fmt: hashlib.sha256(render(rep).encode()).hexdigest()
            for fmt, render in (("json", render_json), ("md", render_markdown),
                                ("html", render_html))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.report_identity",
                                     description=__doc__)
    parser.add_argument("files", nargs="+", help="registers to report on")
    parser.add_argument("--today", default="2026-11-29", help="the report's date")
    args = parser.parse_args(argv)
    today = dt.date.fromisoformat(args.today)
    for path in args.files:
        fp = fingerprints(path, today)
        print(fp["json"], fp["md"], fp["html"], path)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
