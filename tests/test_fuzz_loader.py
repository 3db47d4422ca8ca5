"""Property-based: random mutations of a valid register never cause a traceback, and
every diagnostic points inside the file."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.load import ReadError, parse_bytes
from registry.validate import build_registry
from tests.test_validate import BASE

LINES = BASE.splitlines(keepends=True)
SNIPPETS = ["", ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/object ", "'", '"', "#",
            "\t", "  ", "\n", "---\n", "...\n", "~", "null", "2026-02-30", "é", "\u202e", "<b>",
            "yes", "0x1F", "1e9", "-1", "id: cio\n", "owner: dsk\n", "? ", "|\n", ">\n", "%"]


@st.composite
def mutated(draw) -> bytes:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            line = lines[i]
            pos = draw(st.integers(0, len(line)))
            snippet = draw(st.sampled_from(SNIPPETS) | st.text(max_size=5))
            cut = pos + (draw(st.integers(0, 3)) if op == "replace" else 0)
            lines[i] = line[:pos] + snippet + line[cut:]
    return "".join(lines).encode("utf-8", "surrogatepass")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutations_never_raise_and_positions_stay_inside(raw):
    try:
        src = parse_bytes(raw, "fuzz.yaml")
    except ReadError as exc:
        assert exc.diagnostic.code == "E003"
        return
    result = build_registry([src])
    n_lines = raw.count(b"\n") + 1
    for d in result.diagnostics:
        assert 1 <= d.loc.line <= n_lines, str(d)
        assert d.loc.column >= 1
        assert d.code[0] in "EW" and d.message
