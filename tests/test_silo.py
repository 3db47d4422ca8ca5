"""Silo measures, current ties, weak junctions and the level split (issue 14), on small
registers whose answers are worked out by hand below, and on the sample's story."""

from __future__ import annotations

import doctest

import pytest

import graph.levels
import graph.silo
from graph.analysis import isolated_dossier_holders, report
from graph.network import directorate_network, involved_directorates, people_network
from graph.silo import is_silo, level_network, rule_directorates, silo_rows, weak_junctions
from registry.validate import load_registry
from tests.conftest import SAMPLE, TODAY, make_registry


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


# Two directorates.  Heads ma (A) and mb (B) are management by default; x is management
# because the data says so; sa1, sa2, sb1 are staff.
#
# Ties on TODAY (c-old ended 2020-01-01, more than 730 days ago: no tie):
#   ma - mb      c-mt                      (management, A-B)
#   sa1 - sa2    c-a and d2 (weight 2)     (staff, A)
#   sa1 - mb     d1 involves unit b, whose head is mb: owner sa1 - head mb
#   sb1 - x      d3 owner and deputy       (B)
#   x - mb       d5 involves mb            (B)
LEVELS = """
schema: 1
directorates:
  - {id: a, name: Directie A, abbreviation: A, axis: integrating, head: ma}
  - {id: b, name: Directie B, abbreviation: B, axis: functional, head: mb}
people:
  - {id: ma, name: M. A, unit: a}
  - {id: sa1, name: S. A1, unit: a}
  - {id: sa2, name: S. A2, unit: a}
  - {id: mb, name: M. B, unit: b}
  - {id: sb1, name: S. B1, unit: b}
  - {id: x, name: X. B, unit: b, level: management}
dossiers:
  - {id: d1, title: Een, owner: sa1, involved: [b]}
  - {id: d2, title: Twee, owner: sa2, involved: [sa1]}
  - {id: d3, title: Drie, owner: sb1, deputy: x}
  - {id: d4, title: Vier, owner: mb}
  - {id: d5, title: Vijf, owner: x, involved: [mb]}
collaborations:
  - {id: c-mt, name: MT, kind: overleg, members: [ma, mb], start: 2025-01-01}
  - {id: c-old, name: Oud team, kind: projectteam, members: [sa1, sb1],
     start: 2019-01-01, end: 2020-01-01, evaluations: [{date: 2020-01-10}]}
  - {id: c-a, name: Team A, kind: werkverband, members: [sa1, sa2], start: 2025-01-01}
"""


@pytest.fixture(scope="module")
def reg():
    return make_registry(LEVELS)


def _ties(g) -> set[frozenset[str]]:
    return {frozenset(e) for e in g.edges()}


def test_docstring_examples():
    assert doctest.testmod(graph.silo).failed == 0
    assert doctest.testmod(graph.levels).failed == 0


def test_levels_default_to_management_for_heads(reg):
    assert {p: reg.level_of(p) for p in reg.people} == {
        "ma": "management", "mb": "management", "x": "management",
        "sa1": "staff", "sa2": "staff", "sb1": "staff"}


def test_current_ties_and_unit_involvement(reg):
    g = people_network(reg, TODAY)
    assert _ties(g) == {frozenset(p) for p in [("ma", "mb"), ("sa1", "sa2"), ("sa1", "mb"),
                                               ("sb1", "x"), ("x", "mb")]}
    assert g.edges["sa1", "sa2"] == {"collaborations": 1, "dossiers": 1, "weight": 2}
    assert g.edges["sa1", "mb"] == {"collaborations": 0, "dossiers": 1, "weight": 1}
    # Without a date every collaboration still ties (c-old: sa1 - sb1).
    assert frozenset(("sa1", "sb1")) in _ties(people_network(reg))


def test_tie_window_setting(reg):
    wide = make_registry(LEVELS.replace("schema: 1", "schema: 1\nsettings: "
                                        "{tie_window_days: 3000}"))
    # c-old ended 2520 days before TODAY: inside a 3000-day window it ties again.
    assert frozenset(("sa1", "sb1")) in _ties(people_network(wide, TODAY))
    # The day the window closes: ended exactly tie_window_days ago still counts.
    edge = make_registry(LEVELS.replace("end: 2020-01-01", "end: 2024-11-29"))
    assert frozenset(("sa1", "sb1")) in _ties(people_network(edge, TODAY))
    past = make_registry(LEVELS.replace("end: 2020-01-01", "end: 2024-11-28"))
    assert frozenset(("sa1", "sb1")) not in _ties(people_network(past, TODAY))


def test_silo_rows_by_hand(reg):
    rows = {r["directorate"]: r for r in report(reg, TODAY)["silos"]}
    a, b = rows["a"], rows["b"]
    # A: ma and sa1 reach B (2 of 3 = 0.667); external ties ma-mb, sa1-mb (2 / 3 people
    # = 0.667); internal sa1-sa2: E-I (2 - 1) / 3 = 0.333.  Dossiers d1 (involves B),
    # d2 (a colleague only): sectoral 1 of 2 = 0.500.  Reach is not below 0.5: no flag.
    assert (a["people"], a["reached"], a["external_ties"], a["internal_ties"]) == (3, 2, 2, 1)
    assert a["reach"] == pytest.approx(0.667, abs=5e-4)
    assert a["external_per_person"] == pytest.approx(0.667, abs=5e-4)
    assert a["ei_index"] == pytest.approx(0.333, abs=5e-4)
    assert (a["sectoral_dossiers"], a["sectoral_share"]) == (["d2"], 0.5)
    assert a["flagged"] is False
    # B: only mb reaches A (1 of 3 = 0.333); external 2, internal sb1-x, x-mb = 2: E-I
    # 0.000.  d3, d4, d5 involve nobody outside B: sectoral 3 of 3 = 1.000 -> a silo.
    assert (b["reached"], b["external_ties"], b["internal_ties"]) == (1, 2, 2)
    assert b["reach"] == pytest.approx(0.333, abs=5e-4)
    assert b["ei_index"] == 0.0
    assert (b["sectoral_dossiers"], b["sectoral_share"]) == (["d3", "d4", "d5"], 1.0)
    assert b["flagged"] is True
    assert (a["tied_with"], a["expected"], a["expected_missing"]) == (["b"], ["b"], [])
    assert (b["tied_with"], b["expected"]) == (["a"], ["a"])


def test_level_split_by_hand(reg):
    levels = report(reg, TODAY)["levels"]
    man, staff = levels["management"], levels["staff"]
    # Among management (ma, mb, x): ties ma-mb (A-B) and mb-x (B).  Reach: ma and mb
    # (2 of 3 = 0.667).  Isolated: x owns d5 and is tied to mb only.
    assert man["summary"] == {"people": 3, "ties": 2, "external_ties": 1, "reached": 2,
                              "reach": pytest.approx(0.667, abs=5e-4), "isolated": 1,
                              "silos": 0}
    rows = {r["directorate"]: r for r in man["silos"]}
    # A: ma reaches (1.000), no dossier owned by A's management -> share None.
    assert (rows["a"]["reach"], rows["a"]["sectoral_share"], rows["a"]["flagged"]) == (
        1.0, None, False)
    # B: mb of mb, x reaches (0.500, not below 0.5); d4, d5 sectoral (1.000): no flag.
    assert (rows["b"]["reach"], rows["b"]["sectoral_share"], rows["b"]["flagged"]) == (
        0.5, 1.0, False)
    assert rows["b"]["ei_index"] == 0.0  # external ma-mb, internal mb-x
    assert [r["person"] for r in man["isolated_dossier_holders"]] == ["x"]
    # Broker among management: mb is on the one shortest path ma - mb - x: 1.000.
    assert man["brokers"][0]["person"] == "mb"
    assert man["brokers"][0]["betweenness"] == 1.0
    assert man["betweenness"]["method"] == "exact"
    # Among staff (sa1, sa2, sb1): one tie, sa1-sa2, inside A.  Nobody reaches: 0.000.
    assert staff["summary"] == {"people": 3, "ties": 1, "external_ties": 0, "reached": 0,
                                "reach": 0.0, "isolated": 2, "silos": 2}
    rows = {r["directorate"]: r for r in staff["silos"]}
    # A: d1, d2 owned by staff, d2 sectoral: 0.500 -> flagged with reach 0.000.
    assert (rows["a"]["reach"], rows["a"]["sectoral_share"], rows["a"]["flagged"]) == (
        0.0, 0.5, True)
    assert rows["a"]["ei_index"] == -1.0
    # B: sb1 owns d3, sectoral: 1.000, reach 0.000 -> flagged; no tie: E-I None.
    assert (rows["b"]["reach"], rows["b"]["sectoral_share"], rows["b"]["ei_index"]) == (
        0.0, 1.0, None)
    # sa1's d1 involves B, so sa1 is not isolated; sa2 and sb1 are.
    assert [r["person"] for r in staff["isolated_dossier_holders"]] == ["sa2", "sb1"]
    assert all(r["betweenness"] == 0.0 for r in staff["brokers"])


def test_isolated_on_the_whole_network(reg):
    g = people_network(reg, TODAY)
    rows = isolated_dossier_holders(reg, g, involved_directorates(reg, TODAY))
    # sa2 (tie to sa1 only, d2 sectoral), sb1 and x (ties within B, d3 and d5 sectoral).
    assert [(r["person"], r["directorate"]) for r in rows] == [
        ("sa2", "a"), ("sb1", "b"), ("x", "b")]


def test_level_network_is_induced(reg):
    g = people_network(reg, TODAY)
    assert _ties(level_network(g, "management")) == {frozenset(("ma", "mb")),
                                                     frozenset(("mb", "x"))}
    assert set(level_network(g, "staff")) == {"sa1", "sa2", "sb1"}


def test_is_silo_needs_both_parts():
    assert is_silo(0.4, 0.5, 0.5, 0.5) is True
    assert is_silo(0.5, 1.0, 0.5, 0.5) is False  # reach at the threshold is enough
    assert is_silo(0.0, 0.49, 0.5, 0.5) is False
    assert is_silo(None, 0.5, 0.5, 0.5) is True  # no people: the dossiers decide
    assert is_silo(0.2, None, 0.5, 0.5) is True  # no dossiers: reach decides
    assert is_silo(None, None, 0.5, 0.5) is False


def test_sectoral_counts_processes_and_extra_rules():
    reg = make_registry("""
        schema: 1
        directorates:
          - {id: a, name: A, axis: integrating}
          - {id: b, name: B, axis: functional}
        people:
          - {id: p, name: P, unit: a}
        processes:
          - {id: pr, name: Proces, penvoerder: a, involve: [a, b]}
          - {id: own, name: Eigen proces, penvoerder: a, involve: [a]}
        dossiers:
          - {id: d1, title: Een, owner: p, process: pr}
          - {id: d2, title: Twee, owner: p, process: own}
          - {id: d3, title: Drie, owner: p}
          - {id: d4, title: Vier, owner: p}
        """)
    involved = involved_directorates(reg, TODAY)
    g = people_network(reg, TODAY)
    rules = rule_directorates(reg)
    assert rules == {"d1": {"a", "b"}, "d2": {"a"}}
    row = {r["directorate"]: r for r in silo_rows(reg, g, involved, rules=rules)}["a"]
    # d1's process involves B; d2's involves only A; d3, d4 nothing: 3 of 4 = 0.750.
    assert (row["sectoral_dossiers"], row["sectoral_share"]) == (["d2", "d3", "d4"], 0.75)
    # A theme (an extra rule) that involves B makes d3 cross-border too: 2 of 4.
    rules = rule_directorates(reg, {"d3": ["b"]})
    row = {r["directorate"]: r for r in silo_rows(reg, g, involved, rules=rules)}["a"]
    assert row["sectoral_share"] == 0.5


def test_weak_junctions_by_hand():
    reg = make_registry("""
        schema: 1
        directorates:
          - {id: i, name: I, abbreviation: I, axis: integrating, head: hi}
          - {id: f, name: F, abbreviation: F, axis: functional, head: hf}
          - {id: g, name: G, abbreviation: G, axis: functional}
          - {id: h, name: H, abbreviation: H, axis: functional}
        people:
          - {id: hi, name: H. I, unit: i}
          - {id: di, name: D. I, unit: i}
          - {id: hf, name: H. F, unit: f}
          - {id: pg, name: P. G, unit: g}
        dossiers:
          - {id: d1, title: Een, owner: di, deputy: hi, involved: [f]}
          - {id: d2, title: Twee, owner: pg, involved: [i]}
          - {id: d3, title: Drie, owner: di, involved: [pg]}
          - {id: d4, title: Vier, owner: hi, involved: [pg]}
        collaborations:
          - {id: c1, name: Overleg, kind: overleg, members: [hi, pg], start: 2026-01-01}
        """)
    r = report(reg, TODAY)
    cells = {(c["integrating"], c["functional"]): c for c in r["integration_matrix"]["cells"]}
    # I x F: d1 (I's dossier involves F) ties di and hi to F's head hf: 2 person ties
    # + 1 dossier = weight 3, but one working context -> weak.
    assert cells["i", "f"] == {"integrating": "i", "functional": "f", "person_ties": 2,
                               "collaborations": 0, "dossiers": 1, "weight": 3}
    # I x G: d2 (G's, involves I: pg - hi), d3 and d4 (I's, involve pg), c1: contexts
    # 1 collaboration + 3 dossiers = 4; person ties hi-pg, di-pg = 2 -> weight 6.
    assert (cells["i", "g"]["collaborations"], cells["i", "g"]["dossiers"],
            cells["i", "g"]["person_ties"]) == (1, 3, 2)
    # I x H: nothing -> a zero pair (missing link), not a weak junction.
    assert cells["i", "h"]["weight"] == 0
    assert r["weak_junctions"] == [{**cells["i", "f"], "contexts": 1}]
    assert ["i", "h"] in [m["directorates"] for m in r["missing_links"]
                          if m["kind"] == "integration-model"]
    # With a lower bar of 1 nothing linked is weak.
    assert weak_junctions(r["integration_matrix"], 1) == []


def test_ended_collaboration_leaves_the_directorate_network(reg):
    g = directorate_network(reg, today=TODAY)
    # c-old (A and B, ended 2020) no longer counts; c-mt does.
    assert g.edges["a", "b"]["collaborations"] == 1
    assert directorate_network(reg).edges["a", "b"]["collaborations"] == 2


# -- the sample's story ---------------------------------------------------------------------
def test_sample_silo_for_the_right_reason(sample, tmp_path):
    r = report(sample, TODAY)
    s = r["settings"]
    flagged = [row for row in r["silos"] if row["flagged"]]
    assert [row["directorate"] for row in flagged] == ["dv"]
    dv = flagged[0]
    # A wall as the study defines it: few of DV's people reach another directorate, and
    # most of its dossiers stay within its own domain.
    assert dv["reach"] < s["silo_reach_threshold"]
    assert dv["sectoral_share"] >= s["silo_sectoral_threshold"]
    # DV's 12-person internal working group is not the reason: without it DV is still a
    # silo with the same reach and sectoral share, while its E-I index moves.
    data = SAMPLE.read_text(encoding="utf-8")
    start = data.index("  - id: werkverband-veiligheidscultuur")
    end = data.find("\n  - id:", start + 10)
    path = tmp_path / "tvb.yaml"
    path.write_text(data[:start] + (data[end + 1:] if end != -1 else ""), encoding="utf-8")
    without = load_registry(path, today=TODAY)
    assert without.ok
    assert "werkverband-veiligheidscultuur" not in without.registry.collaborations
    dv_without = {row["directorate"]: row
                  for row in report(without.registry, TODAY)["silos"]}["dv"]
    assert dv_without["flagged"] is True
    assert (dv_without["reach"], dv_without["sectoral_share"]) == (dv["reach"],
                                                                  dv["sectoral_share"])
    assert dv_without["ei_index"] != dv["ei_index"]
    # The level split shows the study's finding: DV's management reaches out, its
    # dossier holders do not.
    by_level = {lv: {row["directorate"]: row for row in r["levels"][lv]["silos"]}
                for lv in ("management", "staff")}
    assert by_level["management"]["dv"]["reach"] > by_level["staff"]["dv"]["reach"]
    assert by_level["staff"]["dv"]["flagged"] is True
    # DV is weakly joined to the integrating directorates, and not at all to DBE.
    assert {(c["integrating"], c["functional"]) for c in r["weak_junctions"]} >= {
        ("dsk", "dv"), ("dobp", "dv")}
    assert ["dbe", "dv"] in [m["directorates"] for m in r["missing_links"]
                             if m["kind"] == "integration-model"]


def test_readme_worked_example_is_the_sample_report(sample):
    from render.report import render_markdown
    from tests.conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("**Worked example (the sample, 2026-11-29).**")
    block = readme[readme.index("```\n", start) + 4:]
    block = block[:block.index("```")]
    note = render_markdown(report(sample, TODAY)).splitlines()
    lines = [ln for ln in block.splitlines() if ln.startswith(("|", "- DOBP", "- DSK"))]
    assert len(lines) >= 12
    missing = [ln for ln in lines if ln not in note]
    assert missing == []


def test_findings_delta_shows_weak_junctions_and_silo_reasons():
    from graph.findings_delta import findings_delta
    from render.diff import findings_text

    old = make_registry(LEVELS)
    # c-mt gone: A and B meet only through d1 (sa1 - mb); B keeps its walls.
    new = make_registry(LEVELS.replace(
        "  - {id: c-mt, name: MT, kind: overleg, members: [ma, mb], start: 2025-01-01}\n", ""))
    before, after = report(old, TODAY), report(new, TODAY)
    assert before["weak_junctions"][0]["contexts"] == 2  # c-mt and d1
    assert after["weak_junctions"][0]["contexts"] == 1
    delta = findings_delta(before, after)
    # The junction was weak before and after: neither new nor resolved.  A (ma no longer
    # reaches B: 1 of 3, d2 sectoral: 1 of 2) becomes a silo.
    assert delta.new["weak_junctions"] == [] and delta.resolved["weak_junctions"] == []
    assert [s["directorate"] for s in delta.new["silos"]] == ["a"]
    assert "a (reach 33%, sectoral 50%)" in findings_text(delta, lang="en")
    gone = findings_delta(before, report(make_registry(LEVELS.replace(
        "[sa1, sa2], start: 2025-01-01", "[sa1, sa2], start: 2025-01-01}\n"
        "  - {id: c-x, name: X, kind: overleg, members: [sa2, sb1], start: 2025-01-01")),
        TODAY))
    # One more collaboration across A and B (c-x): c-mt, c-x and d1 are three working
    # contexts, no longer weak.
    assert [(c["integrating"], c["functional"]) for c in gone.resolved["weak_junctions"]] \
        == [("a", "b")]


def test_level_network_keeps_the_people_networks_order():
    """The order of a level's nodes decides which sources sampled betweenness draws, so
    it must not depend on the string hash seed (a set's order did)."""
    import itertools

    import networkx as nx

    people = nx.Graph()
    ids = [f"p-{i:03d}" for i in range(60)]
    for i, p in enumerate(ids):
        people.add_node(p, level="staff" if i % 3 else "management", directorate="d")
    people.add_edges_from(itertools.pairwise(ids))
    staff = level_network(people, "staff")
    assert list(staff) == [p for i, p in enumerate(ids) if i % 3]
    assert sorted(staff.edges()) == sorted((a, b) for a, b in itertools.pairwise(ids)
                                           if ids.index(a) % 3 and ids.index(b) % 3)
