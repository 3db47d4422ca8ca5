"""First-hit accuracy of search variants on the query tables of the tests.

Run ``.venv/bin/python -m benchmarks.search_quality``.  For each variant (decompounding
off; the register's own vocabulary as the only dictionary; plus Debian's Dutch word list;
shortest part 3, 4 or 5 letters, a shorter first part) it builds the index of
``tests/registers/dgmw.yaml`` and of ``data/tvb.yaml`` and prints the share of queries
whose first hit is the expected one, per category.  Not a test: it chose the settings
in ``registry.search.DECOMPOUND``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import registry.search as rs
from registry.search import SearchIndex
from registry.text import WORDLIST, load_wordlist
from registry.validate import load_registry

__all__ = ["VARIANTS", "main"]

#: name -> (build keyword arguments, DECOMPOUND settings)
VARIANTS = {
    "no decompounding in the index": ({"decompound": False}, {"min_word": 7, "min_part": 4}),
    "register words, part >= 4": ({"wordlist": ()}, {"min_word": 7, "min_part": 4}),
    "+ wdutch, part >= 3": ({}, {"min_word": 6, "min_part": 3}),
    "+ wdutch, part >= 4": ({}, {"min_word": 7, "min_part": 4}),
    "+ wdutch, part >= 4, first part >= 3": ({}, {"min_word": 7, "min_part": 4,
                                                   "min_head": 3}),
    "+ wdutch, part >= 5": ({}, {"min_word": 8, "min_part": 5}),
}


def main() -> None:
    from tests.test_search import SAMPLE_QUERIES
    from tests.test_search_quality import QUERIES, REGISTER, accuracy_table, first_hits

    today = dt.date(2026, 11, 29)
    dgmw = load_registry(REGISTER, today=today).registry
    sample = load_registry("data/tvb.yaml", today=today).registry
    print("\n".join(f"{c}: {n} queries" for c, n in Counter(c for c, _, _ in QUERIES).items()))
    print(f"Debian word list {WORDLIST}: {len(load_wordlist(WORDLIST)):,} words")
    saved = dict(rs.DECOMPOUND)
    try:
        for name, (kwargs, settings) in VARIANTS.items():
            rs.DECOMPOUND.clear()
            rs.DECOMPOUND.update(settings)
            per, table = accuracy_table(first_hits(SearchIndex.build(dgmw, **kwargs)))
            sample_rows = first_hits(SearchIndex.build(sample, **kwargs),
                                     [("sample", q, e) for q, e in SAMPLE_QUERIES])
            right = sum(e == g for _, _, e, g in sample_rows)
            print(f"\n== {name}: sample {right}/{len(sample_rows)}\n{table}")
    finally:
        rs.DECOMPOUND.clear()
        rs.DECOMPOUND.update(saved)


if __name__ == "__main__":
    main()
