"""The fast parse path (registry.fastyaml) agrees with the PyYAML reference path: the same
diagnostics (code, line, column, message) and the same registry, on every fixture of the
rule tests, the hostile corpus, the sample, a generated register and mutated files."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.generate import dump, generate
from registry.load import ReadError, parse_bytes
from registry.validate import build_registry
from tests.conftest import SAMPLE, TODAY
from tests.test_fuzz_loader import mutated
from tests.test_hostile_input import CASES as HOSTILE
from tests.test_validate import BASE
from tests.test_validate import CASES as RULES


def _outcome(raw: bytes, fast: bool):
    """What a file gives: its diagnostics and registry, or the read error."""
    try:
        src = parse_bytes(raw, "t.yaml", fast=fast)
    except ReadError as exc:
        return ("unreadable", str(exc.diagnostic)), None
    result = build_registry([src], today=TODAY)
    diags = [(d.code, d.loc.line, d.loc.column, d.severity, d.message,
              tuple(str(r) for r in d.related)) for d in result.diagnostics]
    reg = result.registry
    model = (reg.organisation, reg.settings, dict(reg.units), dict(reg.people),
             dict(reg.dossiers), dict(reg.processes), dict(reg.collaborations),
             reg.data_version)
    return (diags, model), src


def assert_same(raw: bytes) -> str:
    """Both paths agree on *raw*; returns the parser the fast path ended up using."""
    fast, src = _outcome(raw, fast=True)
    reference, _ = _outcome(raw, fast=False)
    assert fast[0] == reference[0]
    assert fast[1] == reference[1]
    return src.parser if src is not None else "unreadable"


@pytest.mark.parametrize("text", [BASE] + [c[1] for c in RULES],
                         ids=["base"] + [c[0] for c in RULES])
def test_rule_fixtures_agree(text):
    assert_same(textwrap.dedent(text).encode())


def test_base_takes_the_fast_path():
    assert assert_same(BASE.encode()) == "fast"


@pytest.mark.parametrize("text", [BASE] + [c[1] for c in RULES],
                         ids=["base"] + [c[0] for c in RULES])
def test_crlf_and_byte_order_mark_agree(text):
    text = textwrap.dedent(text)
    assert_same(text.replace("\n", "\r\n").encode())
    assert_same(b"\xef\xbb\xbf" + text.encode())


@pytest.mark.parametrize("name,content", [(c[0], c[1]) for c in HOSTILE if isinstance(c[1], bytes)],
                         ids=[c[0] for c in HOSTILE if isinstance(c[1], bytes)])
def test_hostile_corpus_agrees(name, content):
    assert_same(content)


def test_sample_agrees():
    assert_same(SAMPLE.read_bytes())


def test_generated_register_agrees_and_is_fast():
    raw = dump(generate(300, seed=3)).encode()
    assert assert_same(raw) == "fast"


def test_positions_agree_everywhere_on_a_generated_register():
    # Every value and key position PyYAML records, asked of the lazy positions.
    raw = dump(generate(60, seed=1)).encode()
    fast = parse_bytes(raw, "g.yaml", fast=True)
    ref = parse_bytes(raw, "g.yaml")
    assert fast.parser == "fast" and fast.data == ref.data
    for path, pos in ref.positions._values.items():
        assert fast.positions.value_position(path) == pos, path
    for path, pos in ref.positions._keys.items():
        assert fast.positions.key_position(path) == pos, path
    assert not fast.positions._eager  # no position needed PyYAML's help


@pytest.mark.parametrize("text,parser", [
    ("schema: 1\nx: yes\n", "fast"),  # YAML 1.1 boolean, asked again of the tree
    ("schema: 1\nx: '2026-01-01'\ny: 2026-01-01\n", "fast"),  # quoted stays text
    ("schema: 1\nx: 012\ny: 0o12\nz: 1e9\n", "fast"),  # octal, 1.2 octal, 1.2 float
    ("schema: 1\nx:\ny: ~\nz: ''\n", "fast"),
    ("schema: 1\nx: |\n  2026-01-01\n", "fast"),
    ("schema: 1\nx: &a 1\ny: *a\n", "pyyaml"),  # aliases: PyYAML checks for bombs
    ("schema: 1\nx: 1\nx: 2\n", "pyyaml"),  # duplicate keys: PyYAML reports both places
    ("schema: 1\n\tx: 1\n", "pyyaml"),
    ("schema: 1\nx: 'a\\b'\n", "pyyaml"),
    ("---\nschema: 1\n---\nschema: 1\n", "pyyaml"),
    ("schema: 1\n1: x\n", "pyyaml"),
])
def test_version_differences_are_resolved_as_pyyaml_does(text, parser):
    assert assert_same(text.encode()) == parser


def test_positions_fall_back_for_what_the_tree_cannot_place():
    # An empty value has no text to point at in ryml's tree: PyYAML's positions are used.
    raw = b"schema: 1\norganisation:\n  id: dgb\n  name:\n"
    assert assert_same(raw) == "fast"
    src = parse_bytes(raw, "t.yaml", fast=True)
    assert src.positions.loc(("organisation", "name")).line == 4
    assert src.positions._eager


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_files_agree(raw):
    assert_same(raw)


# Mutations that keep clear of what the fast path refuses outright, so that it is the fast
# path (not the fallback) that is put to the test.
_FAST_SNIPPETS = ["", ":", ": ", "- ", "[", "]", "{", "}", ",", "'", '"', "#", " #", "  ", "\n",
                  "~", "null", "", "yes", "No", "on", "012", "0o17", "0x1F", "1e9", "1.5", "-1",
                  "+3", "1_000", "2026-02-30", "2026-1-5", "2026-01-01 10:00", "''", '""',
                  "|\n", ">-\n", "é", "€", "id: cio\n", "owner: dsk\n", "x: [a, b]\n", "{a: 1}"]


@st.composite
def fast_mutated(draw) -> bytes:
    lines = BASE.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        pos = draw(st.integers(0, len(line)))
        cut = pos + draw(st.integers(0, 3))
        lines[i] = line[:pos] + draw(st.sampled_from(_FAST_SNIPPETS)) + line[cut:]
    return "".join(lines).encode()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fast_mutated())
def test_fast_path_mutations_agree(raw):
    assert_same(raw)


# -- the screening's shortcuts give what the plain regular expressions give ------------------
_SCREEN_CHARS = st.sampled_from(list("'\"'\"5y-.~a b\n\r\t\\[{}]:#&*!?|>%") + [
    "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\ufffe", "é", "€", "😀", "---", "..."])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_SCREEN_CHARS, max_size=40).map("".join))
def test_after_quote_agrees_with_findall(text):
    from registry import fastyaml

    want = frozenset(fastyaml._AFTER_QUOTE.findall(text)) & fastyaml._CANDIDATE
    assert fastyaml._after_quote(text) == want


@settings(max_examples=3000, deadline=None)
@given(st.lists(_SCREEN_CHARS, max_size=40).map("".join))
def test_refused_reads_the_same_from_the_bytes(text):
    from registry import fastyaml

    assert fastyaml._refused(text, text.encode("utf-8")) == fastyaml._refused(text)


def test_line_and_column_counted_from_checkpoints_equal_the_table(monkeypatch):
    """The first look-ups count line breaks from checkpoints; later ones use the table of
    every line: the same line and column for every offset, across blocks and characters
    of several bytes."""
    from registry import fastyaml

    monkeypatch.setattr(fastyaml, "_BLOCK_BITS", 6)  # many small blocks
    body = dump(generate(people=40, seed=3)).replace("Afdeling", "Afdéling €").encode()
    counted, table = (parse_bytes(body, "r.yaml", fast=True).positions for _ in range(2))
    assert isinstance(counted, fastyaml.FastPositions)
    monkeypatch.setattr(fastyaml, "_COUNTED_LOOKUPS", 10**9)
    table._looked = 10**9  # past the counted look-ups: the table
    starts = [i for i in range(len(body)) if body[i] < 0x80 or body[i] >= 0xC0]
    for off in [*starts[::7], *reversed(starts[::11])]:
        assert counted._line_col(off) == table._line_col(off)
    assert counted._lines is None and table._lines is not None
