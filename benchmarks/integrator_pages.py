"""Size of every page of ``/integrator.json`` (the dashboard's JSON twin) for a register.

Run ``python -m benchmarks.integrator_pages FILE [--today 2026-11-29]``: builds the viewer
in process (``web.create_app``, no cache), asks for page 1, then every page up to
``pagination.pages``, and prints each page's size in bytes and the largest.  The issue's
target is at most 5 MB per page at 100,000 people.  Results go to
``benchmarks/out/integrator_pages.json``.  Not a test.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

__all__ = ["page_sizes", "main"]

OUT = Path(__file__).resolve().parent / "out"


def page_sizes(path: str, today: str) -> dict:
    """Bytes of every ``/integrator.json?page=N`` of the register at *path*."""
    from web import create_app

    app = create_app({"DATA": path, "TODAY": today, "CACHE": False, "WATCH": False,
                      "TESTING": True})
    client = app.test_client()
    start = time.perf_counter()
    first = client.get("/integrator.json")
    if first.status_code != 200:
        raise RuntimeError(f"/integrator.json answered {first.status_code}")
    built = time.perf_counter() - start
    pages = first.get_json()["pagination"]["pages"]
    sizes = [len(first.data)]
    for n in range(2, pages + 1):
        resp = client.get(f"/integrator.json?page={n}")
        if resp.status_code != 200:
            raise RuntimeError(f"/integrator.json?page={n} answered {resp.status_code}")
        sizes.append(len(resp.data))
    return {"file": path, "pages": pages, "bytes": sizes, "largest_mb": max(sizes) / 1e6,
            "total_mb": sum(sizes) / 1e6, "first_page_s": round(built, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.integrator_pages",
                                     description=__doc__)
    parser.add_argument("file", help="the register")
    parser.add_argument("--today", default="2026-11-29", help="the viewer's date")
    parser.add_argument("--out", default=str(OUT / "integrator_pages.json"),
                        help="where the figures go")
    args = parser.parse_args(argv)
    result = page_sizes(args.file, args.today)
    print(f"{result['pages']} pages; largest {result['largest_mb']:.2f} MB, "
          f"all {result['total_mb']:.1f} MB; sizes {result['bytes']}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
