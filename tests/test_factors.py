"""The thesis's factor model (issue 14): factor scores from sub-variables, the profile by
median and spread in a window, Table 9's scale, Table 18's baseline and the yearly trend,
worked out by hand."""

from __future__ import annotations

import doctest

import pytest

import graph.factors
from graph.factors import (
    ALL_FACTORS,
    BASELINE_2021,
    SUB_BASELINE_2021,
    factor_profile,
    factor_score,
    latest_means,
    scale_level,
)
from registry.schema import SUBFACTORS
from tests.conftest import TODAY, load_text, make_registry

# TODAY is 2026-11-29; the default window of 730 days starts on 2024-11-29.
FACTORS = """
schema: 1
directorates:
  - {id: a, name: A, axis: integrating}
people:
  - {id: p1, name: P. Een, unit: a}
  - {id: p2, name: P. Twee, unit: a}
collaborations:
  - id: c1
    name: Een
    kind: overleg
    start: 2023-01-01
    members: [p1, p2]
    evaluations:
      - date: 2026-03-01
        factors: {urgentie: 5}
        subfactors: {middelen.financieel: 1, middelen.tijd: 2, middelen.personeel: 4}
        can_do_mentaliteit: 4
        scored_by: [p1, p2]
      - date: 2025-06-01
        subfactors: {urgentie.draagvlak: 3, urgentie.wederzijdse_afhankelijkheid: 4}
        tvb_in_praktijk: 2
        scored_by: [p1]
  - id: c2
    name: Twee
    kind: projectteam
    start: 2022-01-01
    members: [p1]
    evaluations:
      - date: 2024-12-01
        factors: {urgentie: 2, middelen: 3}
        subfactors: {middelen.tijd: 5}
      - date: 2023-01-01
        factors: {urgentie: 1}
"""


@pytest.fixture(scope="module")
def reg():
    return make_registry(FACTORS)


def test_docstring_examples():
    assert doctest.testmod(graph.factors).failed == 0


def test_factor_score_own_value_else_median_of_subfactors(reg):
    c1, c2 = reg.collaborations["c1"], reg.collaborations["c2"]
    newest, older = c1.evaluations
    assert factor_score(newest, "urgentie") == 5  # its own value
    assert factor_score(newest, "middelen") == 2  # median of 1, 2, 4
    assert factor_score(older, "urgentie") == 3.5  # median of 3, 4
    assert factor_score(c2.evaluations[0], "middelen") == 3  # own value beats tijd: 5
    assert factor_score(newest, "steun") is None
    assert factor_score(newest, "can_do_mentaliteit") == 4
    assert factor_score(older, "tvb_in_praktijk") == 2


def test_profile_by_hand(reg):
    p = factor_profile(reg, TODAY)
    assert (p["window_days"], p["since"], p["evaluations"]) == (730, "2024-11-29", 3)
    rows = {r["factor"]: r for r in p["factors"]}
    assert [r["factor"] for r in p["factors"]] == list(ALL_FACTORS)
    # urgentie in the window: 5 (c1 2026), 3.5 (c1 2025, from its sub-variables), 2 (c2
    # 2024-12); 2023's 1 falls outside.  Median 3.500; inclusive quartiles 2.75 and
    # 4.25: spread 1.500.  Table 9 on 3.5: level 4.  Table 18: 5.
    u = rows["urgentie"]
    assert (u["median"], u["spread"], u["min"], u["max"], u["n"]) == (3.5, 1.5, 2, 5, 3)
    assert (u["level"], u["baseline"], u["scorers"]) == (4, 5, 2)
    # middelen: 2 (c1 2026, median of 1, 2, 4) and 3 (c2's own): median 2.500, quartiles
    # 2.25 and 2.75: spread 0.500; level 3 against the baseline 1.
    m = rows["middelen"]
    assert (m["median"], m["spread"], m["n"], m["level"], m["baseline"]) == (
        2.5, 0.5, 2, 3, 1)
    assert m["scorers"] == 2  # p1, p2 scored c1's evaluation; c2's names nobody
    subs = {s["key"]: s for s in m["subfactors"]}
    # middelen.tijd: 2 (c1) and 5 (c2) -> 3.500 over 2; Table 15: level 1.
    assert (subs["middelen.tijd"]["median"], subs["middelen.tijd"]["n"],
            subs["middelen.tijd"]["baseline"]) == (3.5, 2, 1)
    assert subs["middelen.financieel"]["median"] == 1.0
    assert (rows["can_do_mentaliteit"]["median"], rows["can_do_mentaliteit"]["spread"],
            rows["can_do_mentaliteit"]["baseline"]) == (4.0, 0.0, None)
    assert rows["tvb_in_praktijk"]["median"] == 2.0
    assert rows["steun"] == {**rows["steun"], "median": None, "spread": None, "n": 0,
                             "level": None}


def test_profile_per_year(reg):
    years = {y["year"]: y for y in factor_profile(reg, TODAY)["by_year"]}
    assert list(years) == [2023, 2024, 2025, 2026]
    assert years[2023]["factors"]["urgentie"] == {"median": 1.0, "n": 1, "level": 1}
    assert years[2024]["factors"]["middelen"] == {"median": 3.0, "n": 1, "level": 3}
    assert years[2025]["factors"]["urgentie"]["median"] == 3.5
    assert years[2026]["factors"]["middelen"]["median"] == 2.0
    assert years[2026]["evaluations"] == 1


def test_factor_window_setting():
    reg = make_registry(FACTORS.replace("schema: 1", "schema: 1\nsettings: "
                                        "{factor_window_days: 365}"))
    # Since 2025-11-29 only c1's 2026 evaluation counts.
    p = factor_profile(reg, TODAY)
    u = {r["factor"]: r for r in p["factors"]}["urgentie"]
    assert (p["evaluations"], u["median"], u["n"]) == (1, 5.0, 1)


def test_latest_means_use_factor_scores(reg):
    # Each collaboration's latest score: c1 urgentie 5, c2 2 -> 3.5; middelen c1 2
    # (from its sub-variables), c2 3 -> 2.5.
    means = latest_means(reg)
    assert means["urgentie"] == {"mean": 3.5, "n": 2}
    assert means["middelen"] == {"mean": 2.5, "n": 2}


def test_table_9_scale_and_baselines():
    assert [scale_level(v) for v in (1, 1.49, 1.5, 3.5, 5, 7)] == [1, 1, 2, 4, 5, 5]
    assert BASELINE_2021 == {"urgentie": 5, "steun": 3, "verwachtingen": 4,
                             "leiderschap": 4, "middelen": 1, "werkwijze": 1,
                             "evaluatie": 2, "can_do_mentaliteit": None,
                             "tvb_in_praktijk": None}
    assert set(SUB_BASELINE_2021) == {f"{f}.{s}" for f, subs in SUBFACTORS.items()
                                      for s in subs}


def test_validator_knows_the_new_fields():
    result = load_text("""
        schema: 1
        directorates:
          - {id: a, name: A, axis: integrating}
        people:
          - {id: p1, name: P. Een, unit: a, level: managment}
        collaborations:
          - id: c1
            name: Een
            kind: overleg
            start: 2023-01-01
            evaluations:
              - date: 2024-01-01
                scored_by: [p1, p9]
                subfactors: {middelen.tyd: 2, urgentie.draagvlak: 6}
                can_do_mentaliteit: 0
        """)
    found = sorted((d.loc.line, d.code, d.message) for d in result.errors)
    assert found == [
        (6, "E010", "'level' is 'managment', expected one of: management, staff "
                    "(did you mean 'management'?)"),
        (14, "E008", "scored_by 'p9' is not a known person"),
        (15, "E005", "unknown key 'middelen.tyd' in 'subfactors' (did you mean "
                     "'middelen.tijd'?)"),
        (15, "E014", "'urgentie.draagvlak' is 6, must be between 1 and 5"),
        (16, "E014", "'can_do_mentaliteit' is 0, must be between 1 and 5"),
    ]
