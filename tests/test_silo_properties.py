"""Property tests of the silo measures on generated registers (issue 14): what must not
move the flag, whatever the register looks like.

* A collaboration whose members all sit in one directorate never changes any flag (in
  particular not that directorate's): internal teams are not walls.
* A tie between two directorates never raises a flag.
* A collaboration that ended more than ``tie_window_days`` ago changes no measure.
"""

from __future__ import annotations

import copy
import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.analysis import report
from registry.validate import registry_from_data
from tests.conftest import TODAY

DIRECTORATES = [("a", "integrating"), ("b", "functional"), ("c", "functional"),
                ("k", "staff")]
#: The report keys that measure ties (upkeep and the evaluation counts are not ties).
MEASURES = ("silos", "levels", "integration_matrix", "weak_junctions",
            "isolated_dossier_holders", "missing_links", "single_points_of_failure",
            "brokers", "people_network", "betweenness")
SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def registers(draw) -> dict:
    """A small register: four directorates, 1–4 people each (the first may head it),
    up to eight dossiers with owners, deputies and involved people or units, and up to
    four current collaborations."""
    people, by_dir, dirs = [], {}, []
    for did, axis in DIRECTORATES:
        n = draw(st.integers(1, 4))
        ids = [f"{did}{i}" for i in range(n)]
        by_dir[did] = ids
        people += [{"id": p, "name": p.upper(), "unit": did} for p in ids]
        d = {"id": did, "name": did.upper(), "axis": axis}
        if draw(st.booleans()):
            d["head"] = ids[0]
        dirs.append(d)
    everyone = [p["id"] for p in people]
    units = [d for d, _ in DIRECTORATES]
    dossiers = []
    for i in range(draw(st.integers(0, 8))):
        d = {"id": f"dos{i}", "title": f"Dossier {i}", "owner": draw(st.sampled_from(everyone))}
        if draw(st.booleans()):
            d["deputy"] = draw(st.sampled_from(everyone))
        involved = draw(st.lists(st.sampled_from(everyone + units), max_size=3, unique=True))
        if involved:
            d["involved"] = involved
        dossiers.append(d)
    collaborations = []
    for i in range(draw(st.integers(0, 4))):
        members = draw(st.lists(st.sampled_from(everyone), min_size=1, max_size=4,
                                unique=True))
        collaborations.append({"id": f"col{i}", "name": f"C {i}", "kind": "overleg",
                               "members": members, "start": "2025-01-01"})
    return {"schema": 1, "directorates": dirs, "people": people, "dossiers": dossiers,
            "collaborations": collaborations, "_by_dir": by_dir}


def _report(data: dict) -> dict:
    clean = {k: v for k, v in data.items() if not k.startswith("_")}
    result = registry_from_data(copy.deepcopy(clean), today=TODAY)
    assert result.ok, [str(d) for d in result.errors]
    return report(result.registry, TODAY)


def _flags(r: dict) -> set[tuple[str, str]]:
    out = {("all", row["directorate"]) for row in r["silos"] if row["flagged"]}
    for level, part in r["levels"].items():
        out |= {(level, row["directorate"]) for row in part["silos"] if row["flagged"]}
    return out


@SETTINGS
@given(registers(), st.data())
def test_internal_collaboration_never_changes_a_flag(data, draw):
    did = draw.draw(st.sampled_from([d for d, _ in DIRECTORATES]))
    members = draw.draw(st.lists(st.sampled_from(data["_by_dir"][did]), min_size=1,
                                 unique=True))
    own = [d["id"] for d in data["dossiers"] if d["owner"] in data["_by_dir"][did]]
    listed = draw.draw(st.lists(st.sampled_from(own), unique=True)) if own else []
    before = _report(data)
    grown = copy.deepcopy(data)
    grown["collaborations"].append({"id": "internal", "name": "Intern", "kind": "werkverband",
                                    "members": members, "dossiers": listed,
                                    "start": "2026-01-01"})
    after = _report(grown)
    # Adding it (and, read the other way, removing it) leaves every flag as it was.
    assert _flags(after) == _flags(before)
    row = {r["directorate"]: r for r in after["silos"]}[did]
    old = {r["directorate"]: r for r in before["silos"]}[did]
    assert (row["reach"], row["sectoral_share"]) == (old["reach"], old["sectoral_share"])


@SETTINGS
@given(registers(), st.data())
def test_an_external_tie_never_raises_a_flag(data, draw):
    everyone = [p["id"] for p in data["people"]]
    a = draw.draw(st.sampled_from(everyone))
    b = draw.draw(st.sampled_from([p for p in everyone if p[0] != a[0]]))
    grown = copy.deepcopy(data)
    if draw.draw(st.booleans()) or not grown["dossiers"]:
        grown["collaborations"].append({"id": "bridge", "name": "Brug", "kind": "overleg",
                                        "members": [a, b],
                                        "start": "2026-01-01"})
    else:  # involve someone of another directorate in a dossier
        d = draw.draw(st.sampled_from(grown["dossiers"]))
        other = draw.draw(st.sampled_from([p for p in everyone if p[0] != d["owner"][0]]))
        if other not in d.get("involved", []):
            d["involved"] = [*d.get("involved", []), other]
    assert _flags(_report(grown)) <= _flags(_report(data))


@SETTINGS
@given(registers(), st.data())
def test_a_long_ended_collaboration_changes_no_measure(data, draw):
    everyone = [p["id"] for p in data["people"]]
    members = draw.draw(st.lists(st.sampled_from(everyone), min_size=2, unique=True))
    window = draw.draw(st.sampled_from([None, 30, 730]))
    base = copy.deepcopy(data)
    if window is not None:
        base["settings"] = {"tie_window_days": window}
    days = (window if window is not None else 730) + draw.draw(st.integers(1, 2000))
    end = TODAY - dt.timedelta(days=days)
    listed = draw.draw(st.lists(st.sampled_from([d["id"] for d in data["dossiers"]]),
                                unique=True)) if data["dossiers"] else []
    grown = copy.deepcopy(base)
    grown["collaborations"].append({"id": "old", "name": "Oud", "kind": "projectteam",
                                    "members": members, "dossiers": listed,
                                    "start": (end - dt.timedelta(days=300)).isoformat(),
                                    "end": end.isoformat()})
    before, after = _report(base), _report(grown)
    for key in MEASURES:
        assert after[key] == before[key], key
