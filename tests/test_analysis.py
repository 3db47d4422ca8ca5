"""The integrator's findings on small registers whose answers are worked out by hand.

Most tests use REGISTER from tests/test_network.py; its people network (worked out there)
has eight ties:

    b1 - a1 - a2 - a3        (DOBP, DSK, DSK, DSK)
    b2 - v1, v1 - v2, v1 - v3, v2 - v3     (DOBP, DV, DV, DV)
    h1 - h2                  (HDP, HDP)
    k1 (KAB), lonely (HDP): no tie.   cio: nobody.
"""

from __future__ import annotations

import datetime as dt
import doctest
import itertools
import json
import random

import networkx as nx
import pytest

import graph.analysis
from graph.analysis import (
    betweenness,
    brokers,
    ei_index,
    isolated_dossier_holders,
    missing_links,
    overlap_keys,
    report,
    silos,
    single_points_of_failure,
    upkeep,
)
from graph.factors import latest_means
from graph.network import people_network
from registry.validate import registry_from_data
from tests.conftest import TODAY, make_registry, register
from tests.test_network import REGISTER


@pytest.fixture(scope="module")
def reg():
    return make_registry(REGISTER)


def test_docstring_examples():
    assert doctest.testmod(graph.analysis).failed == 0


# -- silos --------------------------------------------------------------------------------------
def test_ei_index():
    assert ei_index(3, 1) == -0.5
    assert ei_index(0, 4) == 1.0
    assert ei_index(0, 0) is None


def test_silos_by_hand(reg):
    # Current ties only: c-team ended 2022-06-30, more than 730 days before TODAY, so it
    # ties no one; a1-b1 stay tied through d-cyber2.  The eight ties of the module
    # docstring remain.  Nobody heads a unit here, so everyone is staff.
    rows = {r["directorate"]: r for r in silos(reg, today=TODAY)}
    # E-I, the column kept beside the measures.  DSK: internal a1-a2, a2-a3 = 2;
    # external a1-b1 = 1 -> (1 - 2) / 3 = -0.333.  DOBP: external a1-b1, b2-v1 -> +1.
    # DV: internal 3, external b2-v1 -> -0.5.  HDP: internal h1-h2 -> -1.  KAB, CIO: none.
    assert (rows["dsk"]["internal_ties"], rows["dsk"]["external_ties"]) == (2, 1)
    assert rows["dsk"]["ei_index"] == pytest.approx(-0.333, abs=5e-4)
    assert rows["dobp"]["ei_index"] == pytest.approx(1.0)
    assert rows["dv"]["ei_index"] == pytest.approx(-0.5)
    assert rows["hdp"]["ei_index"] == pytest.approx(-1.0)
    assert rows["kabinet-dgb"]["ei_index"] is None and rows["cio"]["ei_index"] is None
    # Reach: DSK a1 (of a1, a2, a3) -> 0.333; DOBP b1, b2 -> 1.000; DV v1 -> 0.333;
    # HDP none of 3 -> 0.000; KAB 0 of 1; CIO has nobody -> None.
    reach = {d: r["reach"] for d, r in rows.items()}
    assert reach["dsk"] == pytest.approx(0.333, abs=5e-4)
    assert reach["dobp"] == 1.0 and reach["hdp"] == 0.0 and reach["kabinet-dgb"] == 0.0
    assert reach["dv"] == pytest.approx(0.333, abs=5e-4) and reach["cio"] is None
    assert rows["dobp"]["external_per_person"] == 1.0  # 2 external ties / 2 people
    # Sectoral share.  DSK: d-strat involves DOBP (and its process all), d-cyber only a
    # colleague -> 1 of 2 = 0.500.  DOBP: d-cyber2 involves a1 of DSK, d-vast1 nobody
    # -> 0.500.  HDP: d-pers (process p-pers involves DOBP), d-vast2 (CIO) -> 0.000.
    # DV: d-veil (HDP through c-veil) -> 0.000.  KAB: d-kab -> 1.000.  CIO: no dossier.
    share = {d: r["sectoral_share"] for d, r in rows.items()}
    assert share == {"dsk": 0.5, "dobp": 0.5, "hdp": 0.0, "dv": 0.0, "kabinet-dgb": 1.0,
                     "cio": None}
    assert rows["dsk"]["sectoral_dossiers"] == ["d-cyber"]
    # Flag: reach < 0.5 and sectoral share >= 0.5 -> DSK and KAB.  HDP reaches no one
    # but none of its dossiers is sectoral; DV's E-I is at -0.5 but it is not flagged.
    assert {d for d, r in rows.items() if r["flagged"]} == {"dsk", "kabinet-dgb"}
    # Ties against the integration model.
    assert rows["dsk"]["tied_with"] == ["dobp"]
    assert rows["dsk"]["expected"] == ["hdp", "dv", "cio"]
    assert rows["dsk"]["expected_missing"] == ["hdp", "dv", "cio"]
    assert rows["dobp"]["expected_missing"] == ["hdp", "cio"]
    assert rows["dv"]["expected"] == ["dsk", "dobp"] and rows["dv"]["expected_missing"] == ["dsk"]
    assert rows["kabinet-dgb"]["expected"] == []
    # Flagged first, then the lowest reach (None first).
    assert [r["directorate"] for r in silos(reg, today=TODAY)] == [
        "kabinet-dgb", "dsk", "cio", "hdp", "dv", "dobp"]


def test_silo_threshold_is_only_a_reference_line():
    reg = make_registry(REGISTER.replace("schema: 1", "schema: 1\nsettings: "
                                         "{silo_threshold: 0.9}"))
    rows = {r["directorate"]: r for r in silos(reg, today=TODAY)}
    # Every E-I is at or below 0.9 now, yet the flags follow reach and sectoral share.
    assert {d for d, r in rows.items() if r["flagged"]} == {"dsk", "kabinet-dgb"}


def test_silo_thresholds_in_settings():
    reg = make_registry(REGISTER.replace("schema: 1", "schema: 1\nsettings: "
                                         "{silo_reach_threshold: 0.4, "
                                         "silo_sectoral_threshold: 0.6}"))
    rows = {r["directorate"]: r for r in silos(reg, today=TODAY)}
    # DSK: reach 0.333 < 0.4 but sectoral 0.5 < 0.6 -> no longer; KAB: 0.0 and 1.0.
    assert {d for d, r in rows.items() if r["flagged"]} == {"kabinet-dgb"}


# -- brokers ------------------------------------------------------------------------------------
def test_brokers_by_hand(reg):
    rows = brokers(reg)
    # 12 people, so normalised betweenness = pairs through v / ((12-1)(12-2)/2) = x / 55.
    # a1 lies on b1-a2 and b1-a3; a2 on b1-a3 and a1-a3; v1 on b2-v2 and b2-v3: 2/55.
    by = {r["person"]: r for r in rows}
    for p in ("a1", "a2", "v1"):
        assert by[p]["betweenness"] == pytest.approx(2 / 55)
    assert all(by[p]["betweenness"] == 0 for p in by if p not in ("a1", "a2", "v1"))
    # Highest first, then by degree: v1 (3 ties) before a1, a2 (2 ties each).
    assert [r["person"] for r in rows[:5]] == ["v1", "a1", "a2", "v2", "v3"]
    assert [r["person"] for r in rows[-2:]] == ["k1", "lonely"]
    # Directorates reached, other than one's own: v1 (DV) reaches DOBP through b2;
    # a1 (DSK) reaches DOBP; a2 only colleagues; lonely nobody.
    assert (by["v1"]["directorates_reached"], by["a1"]["directorates_reached"],
            by["a2"]["directorates_reached"], by["lonely"]["directorates_reached"]) == (
        1, 1, 0, 0)
    assert by["lonely"]["degree"] == 0 and by["lonely"]["directorate"] == "hdp"
    assert len(brokers(reg, top=3)) == 3


def _dependency_sum(g: nx.Graph, sources) -> dict:
    """Brandes' sum over sources s of delta_s(v) = sum_t sigma_st(v) / sigma_st, by
    enumerating every shortest path (fine for tiny graphs)."""
    total = dict.fromkeys(g, 0.0)
    for s in sources:
        for t in g:
            if t == s or not nx.has_path(g, s, t):
                continue
            paths = list(nx.all_shortest_paths(g, s, t))
            for path in paths:
                for v in path[1:-1]:
                    total[v] += 1 / len(paths)
    return total


def test_betweenness_exact_matches_networkx():
    g = nx.gnm_random_graph(40, 70, seed=5)
    g.add_nodes_from(["isolated"])
    scores, method = betweenness(g)
    assert method == {"method": "exact", "k": None, "seed": None}
    expected = nx.betweenness_centrality(g, normalized=True)
    assert scores == pytest.approx(expected)


def test_betweenness_sampled_estimator():
    # Beyond exact_limit, k sources are drawn with random.Random(seed).sample; the
    # estimate is the mean dependency over sampled sources other than v, / (n - 2).
    g = nx.gnm_random_graph(12, 20, seed=11)
    scores, method = betweenness(g, exact_limit=5, k=4, seed=3)
    assert method == {"method": "sampled", "k": 4, "seed": 3}
    sources = random.Random(3).sample(list(g), 4)
    deps = _dependency_sum(g, sources)
    n = 12
    for v in g:
        others = 4 - (v in sources)
        assert scores[v] == pytest.approx(deps[v] / (others * (n - 2))), v
    # With every node a source the estimate is the exact value.
    full, _ = betweenness(g, exact_limit=5, k=12, seed=3)
    assert full == pytest.approx(nx.betweenness_centrality(g, normalized=True))


# -- isolated dossier holders -------------------------------------------------------------------
def test_isolated_dossier_holders_by_hand(reg):
    # Holders of active dossiers: a3, a1, b1, h1, v2, k1, b2, h2.
    #   a3: only tie a2 (DSK), but d-strat involves DOBP           -> not isolated
    #   a1, b1: tied to each other across DSK/DOBP                 -> not isolated
    #   h1: only tie h2 (HDP); d-pers involves only HDP itself     -> ISOLATED
    #   v2: ties v1, v3 (DV); d-veil involves HDP through c-veil   -> not isolated
    #   k1: no tie; d-kab involves nobody (d-closed is closed)     -> ISOLATED
    #   b2: tie v1 (DV)                                            -> not isolated
    #   h2: only tie h1; d-vast2 involves CIO (nobody works there) -> not isolated
    assert isolated_dossier_holders(reg) == [
        {"person": "h1", "directorate": "hdp", "dossiers": ["d-pers"]},
        {"person": "k1", "directorate": "kabinet-dgb", "dossiers": ["d-kab"]},
    ]


# -- missing links ------------------------------------------------------------------------------
def test_missing_links_by_hand(reg):
    rows = missing_links(reg)
    keyed = [(r["kind"], r["directorates"], r["dossiers"], r["people"]) for r in rows]
    assert keyed == [
        # Directorate network edges: DSK-DOBP, DOBP-DV, DV-HDP, HDP-CIO.  Integrating
        # {DSK, DOBP} x functional {HDP, DV, CIO}: only DOBP-DV is linked.
        ("integration-model", ["dsk", "hdp"], [], []),
        ("integration-model", ["dsk", "dv"], [], []),
        ("integration-model", ["dsk", "cio"], [], []),
        ("integration-model", ["dobp", "hdp"], [], []),
        ("integration-model", ["dobp", "cio"], [], []),
        # d-pers follows p-pers (HDP, DOBP); it involves only HDP (its own directorate).
        ("process", ["hdp", "dobp"], ["d-pers"], ["h1"]),
        # d-strat follows strat ('all' = every directorate but staff KAB); involved are
        # DSK (owner) and DOBP.  d-veil needs DV and HDP: HDP through c-veil, so complete.
        ("process", ["dsk", "cio"], ["d-strat"], ["a3"]),
        ("process", ["dsk", "dv"], ["d-strat"], ["a3"]),
        ("process", ["dsk", "hdp"], ["d-strat"], ["a3"]),
        # d-vast1 (b2, DOBP) and d-vast2 (h2, HDP) share keyword 'vastgoed' and the
        # title stem of 'kazernes'/'kazerne'; b2 and h2 have no tie.  Not reported:
        # d-strat/d-cyber share 'strategie' within DSK; d-cyber/d-cyber2 share 'cyber'
        # but a1 and b1 are tied; d-closed ('Oude Kazernes') is closed.
        ("overlap", ["dobp", "hdp"], ["d-vast1", "d-vast2"], ["b2", "h2"]),
    ]
    overlap = rows[-1]
    assert overlap["shared"] == ["Vastgoed", "kazernes"]
    assert "possible duplicate" in overlap["reason"]
    assert all(r["reason"] for r in rows)
    assert next(r for r in rows if r["kind"] == "process")["process"] == "p-pers"


def test_overlap_keys_fold_case_diacritics_and_stem():
    assert overlap_keys("Coördinatie Strategieën", ["Gevaarlijke Stoffen"]).keys() == \
        overlap_keys("coordinatie strategieen", ["gevaarlijke stof"]).keys()
    # Stop words, generic words and short words never make an overlap.
    assert overlap_keys("Beleid voor de Defensie in NL", []) == {}


def test_overlap_ignores_very_common_words():
    reg = make_registry(register(
        directorates=["{id: dsk, name: DSK, axis: integrating}",
                      "{id: hdp, name: HDP, axis: functional}"],
        people=[{"id": f"p{i}", "name": f"P {i}", "unit": "dsk" if i % 2 else "hdp"}
                for i in range(30)],
        dossiers=[{"id": f"d{i}", "title": f"Rapportage {i}", "owner": f"p{i}"}
                  for i in range(30)]))
    # 30 dossiers share 'rapportage' (> MAX_OVERLAP_GROUP = 25): too common to flag.
    assert [r for r in missing_links(reg) if r["kind"] == "overlap"] == []


# -- single points of failure -------------------------------------------------------------------
def test_single_points_of_failure_by_hand(reg):
    # Component b1-a1-a2-a3 connects DOBP-DSK; component b2-v1-{v2,v3} connects DOBP-DV;
    # no other component connects either pair.
    #   a1: cut vertex; without it {b1} and {a2, a3}: DOBP-DSK lost.
    #   b1: not a cut vertex, but the only DOBP member of its component: DOBP-DSK lost.
    #   a2: cut vertex, yet {b1, a1} still holds DOBP and DSK: nothing lost.
    #   v1: cut vertex; {b2} and {v2, v3}: DOBP-DV lost.  b2: only DOBP member: lost.
    assert single_points_of_failure(reg) == [
        {"person": "a1", "directorate": "dsk", "separates": [["dobp", "dsk"]]},
        {"person": "b1", "directorate": "dobp", "separates": [["dobp", "dsk"]]},
        {"person": "b2", "directorate": "dobp", "separates": [["dobp", "dv"]]},
        {"person": "v1", "directorate": "dv", "separates": [["dobp", "dv"]]},
    ]


def _people_register(n: int, directorates: list[str]):
    data = {"schema": 1,
            "directorates": [{"id": d, "name": d.upper(), "axis": "functional"}
                             for d in directorates],
            "people": [{"id": f"p{i}", "name": f"P {i}", "unit": directorates[i % len(
                directorates)]} for i in range(n)]}
    result = registry_from_data(data, today=TODAY)
    assert result.ok
    return result.registry


def test_single_points_of_failure_second_path_and_other_component():
    reg = _people_register(8, ["dsk", "dobp", "dv", "hdp"])
    # p0 dsk, p1 dobp, p2 dv, p3 hdp, p4 dsk, p5 dobp, p6 dv, p7 hdp
    g = nx.Graph()
    g.add_nodes_from(reg.people)
    # A cycle p0-p1-p2-p0: no cut vertex, and each is the only one of its directorate
    # there, but DSK-DOBP, DSK-DV and DOBP-DV also meet in component p4-p5-p6.
    g.add_edges_from([("p0", "p1"), ("p1", "p2"), ("p2", "p0"),
                      ("p4", "p5"), ("p5", "p6"),
                      ("p3", "p7")])  # HDP-HDP: no pair of directorates
    # Removing p5 (cut vertex, only DOBP there) breaks DSK-DOBP, DOBP-DV and DSK-DV in
    # that component, but the cycle still connects all three: nothing lost.
    assert single_points_of_failure(reg, g) == []
    # Without the cycle, p5 (cut vertex) separates all three pairs; p4 is the only DSK
    # member left connected, so DSK-DOBP and DSK-DV go with it; p6 likewise for DV.
    g.remove_edges_from([("p0", "p1"), ("p1", "p2"), ("p2", "p0")])
    assert single_points_of_failure(reg, g) == [
        {"person": "p5", "directorate": "dobp",
         "separates": [["dobp", "dsk"], ["dobp", "dv"], ["dsk", "dv"]]},
        {"person": "p4", "directorate": "dsk", "separates": [["dobp", "dsk"], ["dsk", "dv"]]},
        {"person": "p6", "directorate": "dv", "separates": [["dobp", "dv"], ["dsk", "dv"]]},
    ]


def _brute_force_spof(reg, g: nx.Graph) -> dict[str, set[tuple[str, str]]]:
    def connected_pairs(h: nx.Graph) -> set[tuple[str, str]]:
        pairs = set()
        for comp in nx.connected_components(h):
            dirs = sorted({reg.directorate_of(p) for p in comp})
            pairs.update(itertools.combinations(dirs, 2))
        return pairs

    before = connected_pairs(g)
    out = {}
    for p in g:
        h = g.copy()
        h.remove_node(p)
        lost = before - connected_pairs(h)
        if lost:
            out[p] = lost
    return out


@pytest.mark.parametrize("seed", range(40))
def test_single_points_of_failure_match_brute_force(seed):
    # Sparse random graphs with trees, cycles and several components, compared with
    # removing every person in turn.
    rnd = random.Random(seed)
    n, dirs, ties = [(24, 5, (10, 30)), (40, 3, (30, 60))][seed % 2]
    reg = _people_register(n, ["dsk", "dobp", "dbe", "hdp", "dv"][:dirs])
    people = list(reg.people)
    g = nx.Graph()
    g.add_nodes_from(people)
    for _ in range(rnd.randint(*ties)):
        a, b = rnd.sample(people, 2)
        g.add_edge(a, b)
    got = {r["person"]: {tuple(p) for p in r["separates"]}
           for r in single_points_of_failure(reg, g)}
    assert got == _brute_force_spof(reg, g)


def test_single_points_of_failure_on_a_long_path():
    # The depth-first search is iterative: a 5,000-person chain must not hit the
    # recursion limit.  Directorates alternate along the chain (DSK, DOBP, DSK, ...), so
    # every inner person is a cut vertex, yet one side always keeps both directorates
    # (removing p1 leaves {p0} and p2..p4999): nothing is lost.
    # Then a chain of the 2,500 DSK people ending in one DOBP person, p1: p1 (the only
    # DOBP member) and its neighbour p4998 (the last cut vertex) each separate DSK-DOBP.
    reg = _people_register(5000, ["dsk", "dobp"])
    g = nx.path_graph([f"p{i}" for i in range(5000)])
    assert single_points_of_failure(reg, g) == []
    h = nx.path_graph([f"p{i}" for i in range(0, 5000, 2)] + ["p1"])  # DSK ... DSK, DOBP
    assert single_points_of_failure(reg, h) == [
        {"person": "p1", "directorate": "dobp", "separates": [["dobp", "dsk"]]},
        {"person": "p4998", "directorate": "dsk", "separates": [["dobp", "dsk"]]},
    ]


# -- upkeep and factors -------------------------------------------------------------------------
UPKEEP = """
schema: 1
directorates:
  - {id: dsk, name: DSK, axis: integrating, reviewed: 2026-10-01}
people:
  - {id: p1, name: P. Een, unit: dsk, reviewed: 2026-01-01}
  - {id: p2, name: P. Twee, unit: dsk}
  - {id: p3, name: P. Drie, unit: dsk, reviewed: 2026-11-01}
dossiers:
  - {id: d1, title: Actief, owner: p3, reviewed: 2026-10-01}
  - {id: d2, title: Gesloten, owner: p3, status: closed}
  - {id: d3, title: Zonder eigenaar, reviewed: 2026-10-01}
collaborations:
  - {id: c1, name: Loopt lang, kind: overleg, members: [p1, p3], start: 2024-01-01}
  - id: c2
    name: Afgerond
    kind: projectteam
    members: [p1, p3]
    start: 2023-01-01
    end: 2025-01-01
    evaluations:
      - {date: 2024-06-01, factors: {urgentie: 4, steun: 2}}
      - {date: 2025-01-10, factors: {urgentie: 2}}
  - {id: c3, name: Net begonnen, kind: netwerk, members: [p1], start: 2026-06-01}
  - id: c4
    name: Lang niet geevalueerd
    kind: werkverband
    members: [p3]
    start: 2023-01-01
    evaluations:
      - {date: 2025-06-01, factors: {urgentie: 5, middelen: 1}}
  - {id: c5, name: Afgelopen zonder evaluatie, kind: overleg, members: [p2],
     start: 2024-01-01, end: 2025-01-01}
"""


def test_upkeep_by_hand():
    reg = make_registry(UPKEEP)
    up = upkeep(reg, TODAY)
    # p1 reviewed 2026-01-01: 332 days before 2026-11-29 (> 180); p2 never.  d2 is
    # closed, so not asked; collaborations need no 'reviewed'.
    assert up["stale"] == [
        {"id": "p1", "kind": "person", "reviewed": "2026-01-01", "age_days": 332},
        {"id": "p2", "kind": "person", "reviewed": None, "age_days": None},
    ]
    assert up["unowned_dossiers"] == ["d3"]
    # c1 runs since 2024 without evaluation; c4's last evaluation is > 1 year old; c5
    # ended without one.  c2 ended with one; c3 runs less than a year.
    assert up["unevaluated_collaborations"] == ["c1", "c4", "c5"]


def test_factor_means_by_hand():
    reg = make_registry(UPKEEP)
    # The report's `factors` key as first defined.  urgentie: c2's latest evaluation
    # scoring it (2025-01-10) gives 2, c4 gives 5 -> mean 3.5 over 2.  steun: c2's
    # latest evaluation skips it, the one before scores 2 -> 2.0 over 1.  middelen:
    # c4 -> 1.0 over 1.  The rest: none.
    profile = latest_means(reg)
    assert profile["urgentie"] == {"mean": 3.5, "n": 2}
    assert profile["steun"] == {"mean": 2.0, "n": 1}
    assert profile["middelen"] == {"mean": 1.0, "n": 1}
    assert profile["leiderschap"] == {"mean": None, "n": 0}
    assert list(profile) == ["urgentie", "steun", "verwachtingen", "leiderschap",
                             "middelen", "werkwijze", "evaluatie"]


# -- the report ---------------------------------------------------------------------------------
CONTRACT = {"data_version", "today", "summary", "betweenness", "brokers", "silos",
            "isolated_dossier_holders", "missing_links", "single_points_of_failure",
            "upkeep", "factors"}


def test_report_contract(reg):
    r = report(reg, TODAY)
    assert CONTRACT <= set(r)
    json.dumps(r)  # plain JSON types only
    assert r["today"] == "2026-11-29"
    assert r["data_version"] == reg.data_version and len(r["data_version"]) == 64
    assert r["summary"] == {"directorates": 6, "departments": 1, "people": 12,
                            "dossiers": 9, "collaborations": 4, "processes": 3,
                            "active_dossiers": 8}
    assert r["betweenness"] == {"method": "exact", "k": None, "seed": None}
    assert set(r["brokers"][0]) == {"person", "directorate", "betweenness", "degree",
                                    "directorates_reached"}
    assert [b["betweenness"] for b in r["brokers"]] == sorted(
        (b["betweenness"] for b in r["brokers"]), reverse=True)
    assert set(r["silos"][0]) >= {"directorate", "ei_index", "internal_ties",
                                  "external_ties", "flagged", "reach", "sectoral_share",
                                  "external_per_person", "tied_with", "expected",
                                  "expected_missing"}
    assert set(r["levels"]) == {"management", "staff"}
    assert set(r["factor_profile"]) >= {"window_days", "since", "factors", "by_year"}
    assert isinstance(r["weak_junctions"], list)
    assert {k for row in r["missing_links"] for k in row} >= {
        "kind", "directorates", "dossiers", "people", "reason"}
    assert set(r["upkeep"]) >= {"stale", "unowned_dossiers", "unevaluated_collaborations"}
    assert all(set(v) == {"mean", "n"} for v in r["factors"].values())
    # Extras: the integration-model matrix (ties per integrating x functional pair) and
    # display names of every id used.
    cells = {(c["integrating"], c["functional"]): c for c in r["integration_matrix"]["cells"]}
    assert len(cells) == 2 * 3
    assert cells["dobp", "dv"]["person_ties"] == 1 and cells["dobp", "dv"]["weight"] == 2
    assert cells["dsk", "hdp"]["weight"] == 0
    assert r["names"]["dsk"] == "DSK" and r["names"]["h1"] == "H. Een"
    assert r["names"]["d-pers"] == "Personeelsbeleid"
    assert r["names"]["p-pers"] == "Personeelsbeleid"  # the process, from a process row
    mentioned = {i for row in r["missing_links"]
                 for i in (*row["directorates"], *row["dossiers"], *row["people"])}
    mentioned |= {row["person"] for row in r["brokers"]}
    mentioned |= {d for row in r["single_points_of_failure"] for p in row["separates"]
                  for d in p}
    assert mentioned <= set(r["names"])


def test_report_on_sample(sample):
    r = report(sample, TODAY)
    kinds = {row["kind"] for row in r["missing_links"]}
    # The sample was built to show these.
    assert any(s["flagged"] for s in r["silos"]) or "integration-model" in kinds
    assert r["isolated_dossier_holders"]
    assert "overlap" in kinds
    assert r["summary"]["people"] == len(sample.people)
    assert len(r["silos"]) == len(sample.directorates)


def test_people_network_reused_by_report(reg):
    # Findings computed from the same network agree with the report.
    g = people_network(reg, TODAY)
    r = report(reg, TODAY)
    assert r["people_network"] == {"people": 12, "ties": g.number_of_edges(),
                                   "components": nx.number_connected_components(g)}
    assert r["single_points_of_failure"] == single_points_of_failure(reg, g)


def test_report_today_is_a_date(reg):
    assert report(reg, dt.date(2030, 1, 1))["today"] == "2030-01-01"
