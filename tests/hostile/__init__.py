"""The hostile data corpus: small YAML files beside this module, and generators for the
big ones, which are written at test time into a temporary folder (a 100 MB file has no
place in the repository).

Each file says in its first lines what it tries.  ``tests/test_hostile_corpus.py`` holds
what each must give: a clear diagnostic, or a register that is stored and shown inertly.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["HERE", "corpus", "big_file", "deep_block_nesting", "alias_bomb",
           "long_strings", "long_id"]

HERE = Path(__file__).resolve().parent


def corpus() -> list[Path]:
    """Every small hostile file, sorted by name."""
    return sorted(HERE.glob("*.yaml"))


def big_file(path: Path, megabytes: int = 100) -> Path:
    """A syntactically harmless register of *megabytes* MB (one comment line repeated),
    written in 1 MB blocks so that it never sits in memory whole."""
    line = b"# " + b"x" * 97 + b"\n"
    block = line * (2**20 // len(line) + 1)
    with open(path, "wb") as fh:
        fh.write(b"schema: 1\n")
        for _ in range(megabytes):
            fh.write(block)
    return path


def deep_block_nesting(path: Path, depth: int = 1000) -> Path:
    """*depth* nested block mappings (indentation grows by two spaces a level)."""
    lines = ["schema: 1", "tasks:"]
    lines += ["  " * i + "k:" for i in range(1, depth + 1)]
    lines.append("  " * (depth + 1) + "v")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def alias_bomb(levels: int = 9, width: int = 10, *, anchors_first: bool = False) -> str:
    """A "billion laughs" document: level *i* repeats level *i-1* *width* times, so the
    last level expands to ``width ** levels`` values.  With *anchors_first* every level
    but the last is also listed, largest first, under a final key ``b``."""
    items = ", ".join(["lol"] * width)
    lines = ["schema: 1", f"a0: &a0 [{items}]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]")
    if anchors_first:
        lines.append("b: [" + ", ".join(f"*a{i}" for i in range(levels - 2, -1, -1)) + "]")
    return "\n".join(lines) + "\n"


def long_strings(chars: int = 200_000) -> str:
    """A valid register whose name, function, title, description and lesson are each
    *chars* characters long (a pasted document), and a keyword of 10,000."""
    word = "lang"
    text = (word + " ") * (chars // (len(word) + 1))
    return f"""\
schema: 1
organisation:
  id: dgb
  name: "Directoraat-Generaal Beleid {text}"
directorates:
  - id: dsk
    name: "Directie Strategie en Kennis {text}"
    axis: integrating
    reviewed: 2026-10-01
people:
  - id: p-lang
    name: "P. {text}"
    unit: dsk
    function: "{text}"
    reviewed: 2026-10-01
dossiers:
  - id: d-lang
    title: "Dossier {text}"
    description: "{text}"
    keywords: ["{'k' * 10_000}"]
    owner: p-lang
    reviewed: 2026-10-01
collaborations:
  - id: c-lang
    name: "Werkverband {text}"
    kind: werkverband
    lead: p-lang
    members: [p-lang]
    start: 2025-01-01
    evaluations:
      - date: 2025-06-01
        lessons: ["{text}"]
"""


def long_id(chars: int = 10_000) -> str:
    """A register whose only directorate has an id of *chars* characters, referred to
    by a person."""
    big = "a" * chars
    return f"""\
schema: 1
directorates:
  - id: {big}
    name: Directie Strategie en Kennis
    axis: integrating
people:
  - id: p-lang
    name: P. Lang
    unit: {big}
"""
