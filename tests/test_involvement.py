"""Issue 13 on small registers whose answers are worked out by hand: who should be
involved, who came in late, who covers, whose task it is.

REGISTER (below) in short::

    directorates  dsk (integrating), dmv (functional; department dmv-mat), hdp, dv
    people        s1 (dsk), m1 (dmv-mat), m2 (dmv), h1 (hdp), v1 (dv)
    external      cds
    themes        materieel: [materieel, materieelprojecten] -> hdp
                  veiligheid: [veiligheid] -> dv, cds
                  onderzeeboten: [onderzeeboot] -> hdp           (matches nothing)
    process       plan: involve [dmv, hdp]
"""

from __future__ import annotations

import doctest
import html

import pytest

import graph.involvement
from graph.analysis import integration_matrix, report, silos
from graph.involvement import (
    cover,
    general_task_stems,
    late_involvement,
    person_load,
    should_involve,
    task_clarity,
    terms,
    theme_matches,
)
from graph.network import directorate_network, involved_directorates, people_network
from tests.conftest import TODAY, load_text, make_registry


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


REGISTER = """\
schema: 1
organisation: {id: org, name: Org, head: s1}
settings: {max_active_dossiers: 2, late_after_days: 60}
directorates:
  - {id: dsk, name: Strategie, abbreviation: DSK, axis: integrating, fte: 5, vacancies: 1}
  - id: dmv
    name: Materieel
    abbreviation: DMV
    axis: functional
    fte: 10
    departments:
      - {id: dmv-mat, name: Materieelbeleid, fte: 4, vacancies: 2}
      - {id: dmv-vg, name: Vastgoed, vacancies: 1}
  - id: hdp
    name: Personeel
    abbreviation: HDP
    axis: functional
    departments:
      - {id: hdp-a, name: A, fte: 3}
      - {id: hdp-b, name: B, fte: 2.5, vacancies: 0}
  - {id: dv, name: Veiligheid, abbreviation: DV, axis: functional}
people:
  - {id: s1, name: S1, unit: dsk}
  - {id: m1, name: M1, unit: dmv-mat}
  - {id: m2, name: M2, unit: dmv}
  - {id: h1, name: H1, unit: hdp-a}
  - {id: v1, name: V1, unit: dv}
external:
  - {id: cds, name: Commandant der Strijdkrachten, abbreviation: CDS, kind: defensieonderdeel}
themes:
  - {id: materieel, name: Materieel, match: [materieel, materieelprojecten], involve: [hdp],
     reason: HDP hoort aan tafel.}
  - {id: veiligheid, name: Veiligheid, match: [veiligheid], involve: [dv, cds]}
  - {id: onderzeeboten, name: Onderzeeboten, match: [onderzeeboot], involve: [hdp]}
processes:
  - {id: plan, name: Plan, penvoerder: dsk, involve: [dmv, hdp]}
dossiers:
  - {id: d1, title: Materieelprojecten, owner: m1, deputy: m2, involved: [dsk]}
  - {id: d2, title: Verkoop overtollig materieel, owner: m2, involved: [h1]}
  - {id: d3, title: Veiligheid van munitie, owner: s1, deputy: m1, involved: [cds]}
  - {id: d4, title: Oud materieel, owner: m1, status: closed}
  - id: d5
    title: Defensieplan
    owner: s1
    process: plan
    start: 2026-01-01
    involved:
      - {id: hdp, since: 2026-03-15}
      - {id: dmv, since: 2026-01-20, stage: ontwerp}
      - m1
  - id: d6
    title: Jaarplan
    owner: s1
    deputy: s1
    process: plan
    involved:
      - {id: hdp, stage: besluitvorming}
      - {id: m1, since: 2026-05-01}
  - id: d7
    title: Begroting
    owner: m1
    process: plan
    start: 2026-01-01
    stage: besluitvorming
    involved:
      - hdp
      - {id: h1, since: 2026-06-01, stage: besluitvorming}
collaborations:
  - id: c1
    name: Werkgroep munitie
    kind: werkgroep
    lead: s1
    members: [s1, m1, cds]
    dossiers: [d3]
    start: 2025-01-01
    evaluations:
      - {date: 2025-06-01, goals_met: 2, absent: [dv, cds]}
"""


@pytest.fixture(scope="module")
def reg():
    return make_registry(REGISTER)


def test_docstring_examples():
    assert doctest.testmod(graph.involvement).failed == 0


def test_register_reads_the_new_fields(reg):
    assert reg.organisation.head == "s1"
    assert reg.settings.max_active_dossiers == 2 and reg.settings.late_after_days == 60
    assert reg.units["dmv"].fte == 10 and reg.units["dmv-mat"].vacancies == 2
    assert reg.externals["cds"].type == "defensieonderdeel" and reg.kind_of("cds") == "external"
    assert reg.themes["materieel"].involve == ("hdp",)
    d5 = reg.dossiers["d5"]
    # Bare ids and mappings mixed: `involved` keeps every id in order, `involvements`
    # keeps when and at which stage.
    assert d5.involved == ("hdp", "dmv", "m1")
    assert [(i.id, str(i.since), i.stage) for i in d5.involvements] == [
        ("hdp", "2026-03-15", None), ("dmv", "2026-01-20", "ontwerp"), ("m1", "None", None)]
    # A list of bare ids carries no second copy.
    assert reg.dossiers["d1"].involvements == ()
    assert [i.id for i in reg.dossiers["d1"].involvement_entries] == ["dsk"]
    ev = reg.collaborations["c1"].evaluations[0]
    assert ev.absent == ("dv", "cds") and ev.goals_met == 2
    assert reg.collaborations["c1"].type == "werkgroep"
    assert reg.collaborations_of("cds") == ("c1",)


# -- themes and should_involve ----------------------------------------------------------------
def test_theme_matches_by_stem(reg):
    # d1 "Materieelprojecten": stem materieelproject = stem of the match word
    # "materieelprojecten"; "materieel" is not split out of the compound.
    # d2 "Verkoop overtollig materieel": "materieel".  d3 "Veiligheid van munitie":
    # "veiligheid".  d4 is closed.  Nothing says "onderzeeboot": that theme matches nothing.
    assert theme_matches(reg) == {
        "d1": [("materieel", ["materieelprojecten"])],
        "d2": [("materieel", ["materieel"])],
        "d3": [("veiligheid", ["veiligheid"])],
    }


def test_should_involve_by_hand(reg):
    rows = should_involve(reg)
    got = [(r["kind"], r.get("theme") or r.get("collaboration"), r["dossiers"], r["missing"],
            r["directorates"], r["people"]) for r in rows]
    assert got == [
        # d1 (DMV) needs HDP: involved is only DSK.
        ("theme", "materieel", ["d1"], "hdp", ["dmv", "hdp"], ["m1"]),
        # d2 (DMV) involves h1, a person of HDP: HDP is involved, no row.
        # d3 (DSK) needs DV and CDS: CDS is listed (an external id in `involved`), DV not.
        ("theme", "veiligheid", ["d3"], "dv", ["dsk", "dv"], ["s1"]),
        # c1's evaluation of 2025-06-01: DV and CDS absent (CDS has no directorate).
        ("absent", "c1", ["d3"], "dv", ["dv"], ["s1"]),
        ("absent", "c1", ["d3"], "cds", [], ["s1"]),
    ]
    assert rows[0]["reason"] == ("'Materieelprojecten' matches theme 'Materieel' "
                                 "(materieelprojecten), which requires HDP; HDP is not "
                                 "involved. HDP hoort aan tafel.")
    assert rows[3]["date"] == "2025-06-01"
    assert rows[3]["reason"] == ("CDS was absent at the table of 'Werkgroep munitie' "
                                 "(evaluation of 2025-06-01)")


def test_external_counts_as_involved_through_a_collaboration():
    # Without `cds` in d3's involved list, CDS still takes part in c1, which works on d3.
    reg = make_registry(REGISTER.replace("owner: s1, deputy: m1, involved: [cds]",
                                         "owner: s1, deputy: m1"))
    missing = {(r["dossiers"][0], r["missing"]) for r in should_involve(reg)
               if r["kind"] == "theme"}
    assert ("d3", "cds") not in missing and ("d3", "dv") in missing


def test_without_themes_or_absences_nothing_to_report():
    reg = make_registry("""\
        schema: 1
        directorates: [{id: a, name: A, axis: functional}]
        people: [{id: p, name: P, unit: a}]
        dossiers: [{id: d, title: Materieel, owner: p}]
        """)
    assert theme_matches(reg) == {} and should_involve(reg) == []
    assert late_involvement(reg) == []


# -- late involvement -------------------------------------------------------------------------
def test_late_involvement_by_hand(reg):
    rows = late_involvement(reg)
    got = [(r["dossiers"][0], r["missing"], r["since"], r["stage"], r["days_after_start"])
           for r in rows]
    # d5 (process plan: DMV, HDP; start 2026-01-01, limit 60 days):
    #   HDP since 2026-03-15 = 73 days after the start > 60        -> late
    #   DMV: {dmv, since 2026-01-20} is 19 days, in time; m1 (bare) -> not late
    # d6 (no start): HDP first at stage besluitvorming             -> late by stage
    #   DMV through m1 since 2026-05-01: no start to compare with  -> not late
    # d7: HDP listed bare and through h1 (late): the bare entry may be from the start,
    #   so HDP is not late; DMV is d7's own directorate (owner m1).
    # d1-d3 have no `since` or `stage` at all.
    assert got == [("d5", "hdp", "2026-03-15", None, 73),
                   ("d6", "hdp", None, "besluitvorming", None)]
    assert rows[0]["processes"] == ["plan"] and rows[0]["themes"] == []
    assert rows[0]["reason"] == ("HDP was brought into 'Defensieplan' late: 73 days after "
                                 "the start (2026-01-01; limit 60)")
    assert rows[1]["reason"] == ("HDP was brought into 'Jaarplan' late: first at stage "
                                 "'besluitvorming'")


def test_late_involvement_follows_the_setting_and_theme_requirements():
    # With 80 days allowed, 73 days is in time.
    reg = make_registry(REGISTER.replace("late_after_days: 60", "late_after_days: 80"))
    assert [r["dossiers"][0] for r in late_involvement(reg)] == ["d6"]
    # A theme's requirement counts too: d3 involves CDS at the decision stage.
    reg = make_registry(REGISTER.replace(
        "owner: s1, deputy: m1, involved: [cds]}",
        "owner: s1, deputy: m1, involved: [{id: cds, stage: uitvoering}]}"))
    rows = [r for r in late_involvement(reg) if r["dossiers"] == ["d3"]]
    assert [(r["missing"], r["themes"], r["stage"]) for r in rows] == [
        ("cds", ["veiligheid"], "uitvoering")]


# -- cover ------------------------------------------------------------------------------------
def test_cover_by_hand(reg):
    c = cover(reg)
    # Active dossiers without a deputy: d2 (DMV), d5 (DSK), d7 (DMV); d4 is closed.
    assert [(r["dossier"], r["directorate"]) for r in c["without_deputy"]] == [
        ("d2", "dmv"), ("d7", "dmv"), ("d5", "dsk")]
    # d6: s1 is their own deputy.
    assert c["deputy_problems"] == [
        {"dossier": "d6", "deputy": "s1", "problem": "owner", "directorate": "dsk"}]
    # Active dossiers owned: s1 = d3, d5, d6 (3 > 2); m1 = d1, d7 (2, not above); m2 = d2.
    assert c["overloaded"] == [{"person": "s1", "directorate": "dsk", "active_dossiers": 3}]
    rows = {r["directorate"]: r for r in c["directorates"]}
    # DSK: d3, d5, d6 on 5 FTE = 0.6; DMV: d1, d2, d7 on its own 10 FTE (the departments'
    # 4 are part of it) = 0.3; HDP: no FTE of its own, departments 3 + 2.5 = 5.5, vacancies
    # only where given (0); DV: nothing given.
    assert (rows["dsk"]["active_dossiers"], rows["dsk"]["fte"], rows["dsk"]["vacancies"],
            rows["dsk"]["dossiers_per_fte"], rows["dsk"]["without_deputy"]) == (3, 5, 1, 0.6, 1)
    assert (rows["dmv"]["active_dossiers"], rows["dmv"]["fte"], rows["dmv"]["vacancies"],
            rows["dmv"]["dossiers_per_fte"], rows["dmv"]["without_deputy"]) == (3, 10, 3, 0.3, 2)
    assert (rows["hdp"]["fte"], rows["hdp"]["vacancies"], rows["hdp"]["dossiers_per_fte"]) == (
        5.5, 0, 0.0)
    assert (rows["dv"]["fte"], rows["dv"]["vacancies"], rows["dv"]["dossiers_per_fte"]) == (
        None, None, None)
    assert c["max_active_dossiers"] == 2


def test_person_load(reg):
    assert person_load(reg, "s1") == {
        "person": "s1", "directorate": "dsk", "active_dossiers": 3,
        "without_deputy": ["d5"], "deputy_for": ["d6"], "max_active_dossiers": 2,
        "overloaded": True}
    # m1 owns d1 (deputy m2) and d7 (none); stands in for d3; d4 is closed.
    load = person_load(reg, "m1")
    assert (load["active_dossiers"], load["without_deputy"], load["deputy_for"],
            load["overloaded"]) == (2, ["d7"], ["d3"], False)


def test_unknown_deputy_is_a_cover_problem():
    # A deputy who left the register is an error (E008), yet the register is still built
    # and the report can say which dossier lost its cover.
    result = load_text(REGISTER.replace("owner: m1, deputy: m2,", "owner: m1, deputy: m9,"))
    assert [d.code for d in result.errors] == ["E008"]
    problems = cover(result.registry)["deputy_problems"]
    assert {"dossier": "d1", "deputy": "m9", "problem": "unknown",
            "directorate": "dmv"} in problems


# -- task clarity -----------------------------------------------------------------------------
TASKS = """\
schema: 1
directorates:
  - {id: dsk, name: Strategie, axis: integrating, tasks: [Integrale strategie en visievorming]}
  - id: dbe
    name: Bedrijfsvoering
    axis: integrating
    tasks: [Integraal afstoten van vastgoed en materieel, Inkoopmanagement]
  - id: dmv
    name: Materieel
    axis: functional
    tasks: [Integrale kaders voor materieel en vastgoed]
    departments:
      - {id: dmv-int, name: Internationaal, tasks: [Internationale materieelsamenwerking]}
  - {id: dv, name: Veiligheid, axis: functional}
people:
  - {id: s1, name: S1, unit: dsk}
  - {id: b1, name: B1, unit: dbe}
  - {id: m1, name: M1, unit: dmv}
  - {id: m2, name: M2, unit: dmv-int}
  - {id: v1, name: V1, unit: dv}
dossiers:
  - {id: ds, title: Strategie 2035, owner: s1}
  - {id: db, title: Afstoten vastgoed en materieel, owner: b1}
  - {id: db2, title: Afstoten materieel, owner: b1, involved: [dmv]}
  - {id: dm, title: Kaders materieel, owner: m1}
  - {id: dv1, title: Veiligheidsmanagement, owner: v1}
"""


def test_task_clarity_by_hand():
    reg = make_registry(TASKS)
    norm = terms()
    stems = {u.id: [frozenset(norm(t)) for t in u.tasks] for u in reg.units.values() if u.tasks}
    # "integraal"/"integrale" (one stem) is in the tasks of DSK, DBE and DMV: more than
    # max(2, 4 / 4) = 2 directorates, so too general to say whose task anything is.
    assert general_task_stems(reg, stems) == {norm("integraal")[0]}
    tc = task_clarity(reg)
    shared = sorted(norm("materieel vastgoed"))  # the stems, as the normaliser writes them
    # Covered: DSK's task by ds (strategie); DBE's first by db; DMV's by dm (kader,
    # materieel).  Not covered: DBE's "Inkoopmanagement" (no dossier says it) and
    # dmv-int's task (m2 owns nothing).  DV has no tasks: nothing to report.
    assert [(r["unit"], r["task"]) for r in tc["uncovered_tasks"]] == [
        ("dbe", "Inkoopmanagement"), ("dmv-int", "Internationale materieelsamenwerking")]
    # db (DBE) shares materieel and vastgoed with DMV's task, and DMV is not involved.
    # db2 shares only materieel (and DMV is involved); dm shares only materieel with DBE.
    assert [(r["dossiers"], r["directorates"], r["units"], r["shared"])
            for r in tc["unclear_owner"]] == [
        (["db"], ["dbe", "dmv"], ["dmv"], shared)]
    assert tc["unclear_owner"][0]["tasks"] == ["Integrale kaders voor materieel en vastgoed"]
    # DBE's first task and DMV's task share materieel and vastgoed.
    assert tc["overlapping_tasks"] == [{
        "units": ["dbe", "dmv"], "directorates": ["dbe", "dmv"],
        "tasks": ["Integraal afstoten van vastgoed en materieel",
                  "Integrale kaders voor materieel en vastgoed"],
        "shared": shared}]


def test_task_clarity_without_tasks_is_empty(reg):
    assert task_clarity(reg) == {"uncovered_tasks": [], "unclear_owner": [],
                                 "overlapping_tasks": []}


# -- external units never count as directorates ------------------------------------------------
def test_external_units_leave_network_measures_unchanged(reg):
    plain = make_registry(REGISTER.replace("members: [s1, m1, cds]", "members: [s1, m1]")
                          .replace("involved: [cds]}", "involved: []}")
                          .replace("      - cds\n", ""))
    assert "cds" in reg.dossiers["d3"].involved and "cds" not in plain.dossiers["d3"].involved
    for a, b in ((reg, plain),):
        assert silos(a) == silos(b)
        assert sorted(people_network(a).edges(data=True)) == sorted(
            people_network(b).edges(data=True))
        da, db = directorate_network(a), directorate_network(b)
        assert sorted(da.nodes) == sorted(db.nodes) == ["dmv", "dsk", "dv", "hdp"]
        assert sorted(da.edges(data=True)) == sorted(db.edges(data=True))
        assert integration_matrix(a) == integration_matrix(b)
        assert involved_directorates(a) == involved_directorates(b)


def test_external_required_by_a_process_is_not_a_missing_directorate():
    text = REGISTER.replace("involve: [dmv, hdp]}", "involve: [dmv, hdp, cds]}")
    reg = make_registry(text)
    rep = report(reg, TODAY)
    process_rows = [(r["dossiers"][0], r["directorates"][-1]) for r in rep["missing_links"]
                    if r["kind"] == "process"]
    # d5, d6 and d7 all miss CDS (nobody lists it); HDP and DMV are there.
    assert process_rows == [("d5", "cds"), ("d6", "cds"), ("d7", "cds")]
    reg = make_registry(text.replace("      - m1\n", "      - m1\n      - cds\n"))
    process_rows = [r["dossiers"][0] for r in report(reg, TODAY)["missing_links"]
                    if r["kind"] == "process"]
    assert process_rows == ["d6", "d7"]


# -- the report -------------------------------------------------------------------------------
def test_report_carries_the_new_keys_and_names(reg):
    rep = report(reg, TODAY)
    assert rep["should_involve"] == should_involve(reg)
    assert rep["late_involvement"] == late_involvement(reg)
    assert rep["cover"] == cover(reg)
    assert rep["task_clarity"] == task_clarity(reg)
    assert rep["settings"]["max_active_dossiers"] == 2
    assert rep["settings"]["late_after_days"] == 60
    assert rep["names"]["cds"] == "CDS" and rep["names"]["materieel"] == "Materieel"
    assert rep["names"]["d5"] == "Defensieplan" and rep["names"]["c1"] == "Werkgroep munitie"
    # The old keys are all still there.
    for key in ("data_version", "today", "summary", "betweenness", "brokers", "silos",
                "isolated_dossier_holders", "missing_links", "single_points_of_failure",
                "upkeep", "factors"):
        assert key in rep


def test_sample_story(sample):
    rep = report(sample, TODAY)
    themes = {(r["dossiers"][0], r["missing"]) for r in rep["should_involve"]
              if r["kind"] == "theme"}
    # Respondent 07: a materiel project should bring in HDP.
    assert ("materieelprojecten-dmp", "hdp") in themes
    from render.report import render_html, render_markdown

    line = "- HDP zou betrokken moeten zijn: Materieel — 'Materieelprojecten en het DMP'"
    assert line in render_markdown(rep).splitlines()
    page = html.unescape(render_html(rep).replace("<bdi>", "").replace("</bdi>", ""))
    assert "<li>HDP zou betrokken moeten zijn: Materieel — 'Materieelprojecten en het DMP'" in page
    assert {(r["dossiers"][0], r["missing"]) for r in rep["late_involvement"]} >= {
        ("defensieplan-2027-2031", "hdp"), ("munitiestrategie", "dv")}
    # About 250 FTE (appendix 3), and the 35 active dossiers without a deputy.
    assert sum(r["fte"] for r in rep["cover"]["directorates"]) == pytest.approx(250, abs=5)
    assert len(rep["cover"]["without_deputy"]) == 35
    assert sample.organisation.head in sample.people
    assert {"cds", "dmo"} <= set(sample.externals)
    members = sample.collaborations["toekomstige-inrichting-dgb"].members
    assert any(sample.directorate_of(m) == "dv" for m in members) and "cds" in members


# -- tvb diff ---------------------------------------------------------------------------------
def test_diff_reports_the_new_fields(reg):
    from graph.findings_delta import findings_delta
    from registry.diff import diff
    from render.diff import changes_text, findings_text

    new = make_registry(
        REGISTER
        .replace("organisation: {id: org, name: Org, head: s1}",
                 "organisation: {id: org, name: Org, head: m2}")
        .replace("late_after_days: 60}", "late_after_days: 90}")
        .replace("axis: integrating, fte: 5, vacancies: 1}", "axis: integrating, fte: 6}")
        .replace("    start: 2026-01-01\n    stage: besluitvorming\n",
                 "    start: 2026-01-01\n    stage: uitvoering\n")
        .replace("      - {id: hdp, since: 2026-03-15}\n", "      - {id: hdp, since: 2026-01-10}\n")
        .replace("  - {id: onderzeeboten, name: Onderzeeboten, match: [onderzeeboot], "
                 "involve: [hdp]}\n", "")
        .replace("  - {id: veiligheid, name: Veiligheid, match: [veiligheid], involve: [dv, cds]}",
                 "  - {id: veiligheid, name: Veiligheid, match: [veiligheid, munitie], "
                 "involve: [dv, cds]}")
        .replace("external:\n", "external:\n  - {id: navo, name: NAVO, kind: internationaal}\n")
        .replace("{date: 2025-06-01, goals_met: 2, absent: [dv, cds]}",
                 "{date: 2025-06-01, goals_met: 3, absent: [dv]}"))
    d = diff(reg, new)
    assert [(c.id, c.field, c.old, c.new) for c in d.organisation_changed] == [
        ("org", "head", "s1", "m2"), ("settings", "late_after_days", "60", "90")]
    assert [(c.id, c.field, c.old, c.new) for c in d.capacity_changed] == [
        ("dsk", "fte", "5", "6"), ("dsk", "vacancies", "1", None)]
    assert [(c.id, c.old, c.new) for c in d.stage_changed] == [
        ("d7", "besluitvorming", "uitvoering")]
    assert [(c.id, c.old, c.new) for c in d.involvement_changed] == [
        ("d5", "hdp (since 2026-03-15), dmv (since 2026-01-20, ontwerp), m1",
         "hdp (since 2026-01-10), dmv (since 2026-01-20, ontwerp), m1")]
    assert [e.id for e in d.themes_removed] == ["onderzeeboten"]
    assert [(e.id, e.detail) for e in d.externals_added] == [("navo", "internationaal")]
    assert [(c.id, c.kind, c.fields) for c in d.other_changes] == [
        ("c1", "collaboration", ("evaluations",)), ("veiligheid", "theme", ("match",))]
    text = changes_text(d, lang="en")
    assert "Dossier stage changed:\n  d7 Begroting: besluitvorming → uitvoering" in text
    assert "External units added:\n  navo NAVO (kind: internationaal)" in text
    assert "settings late_after_days: 60 → 90" in text and "dsk DSK fte: 5 → 6" in text
    assert "org Org head: s1 → m2" in text
    # The findings move too: d5's HDP is now in time; CDS is no longer absent at c1.
    delta = findings_delta(report(reg, TODAY), report(new, TODAY))
    assert [(f["dossiers"], f["missing"]) for f in delta.resolved["late_involvement"]] == [
        (["d5"], "hdp")]
    assert [(f["kind"], f["missing"]) for f in delta.resolved["should_involve"]] == [
        ("absent", "cds")]
    shown = findings_text(delta, lang="en")
    assert "HDP was brought into 'Defensieplan' late" in shown
    assert "CDS was absent at the table of 'Werkgroep munitie'" in shown


# -- validation of the new fields -------------------------------------------------------------
@pytest.mark.parametrize("old,new,code,words", [
    ("fte: 5, vacancies: 1}", "fte: -1, vacancies: 1}", "E014", "'fte' is -1, must be at least 0"),
    ("fte: 5, vacancies: 1}", "fte: 5, vacancies: 1.5}", "E007",
     "'vacancies' must be a whole number"),
    ("fte: 5, vacancies: 1}", "fte: vijf, vacancies: 1}", "E007", "'fte' must be a number"),
    ("max_active_dossiers: 2", "max_active_dossiers: 0", "E014",
     "'max_active_dossiers' is 0, must be at least 1"),
    ("late_after_days: 60", "late_after_days: -5", "E014",
     "'late_after_days' is -5, must be at least 0"),
    ("    stage: besluitvorming\n", "    stage: besluitvoring\n", "E010",
     "did you mean 'besluitvorming'?"),
    ("    start: 2026-01-01\n    stage", "    start: januari 2026\n    stage", "E011",
     "'start' is 'januari 2026', not a valid date"),
    ("{id: hdp, since: 2026-03-15}", "{id: hdpp, since: 2026-03-15}", "E008",
     "involved 'hdpp' is not a known directorate, department, person or external unit "
     "(did you mean 'hdp'?)"),
    ("{id: hdp, since: 2026-03-15}", "{id: hdp, sinse: 2026-03-15}", "E005",
     "unknown key 'sinse' in an involvement (did you mean 'since'?)"),
    ("{id: hdp, since: 2026-03-15}", "{since: 2026-03-15}", "E006",
     "an involvement is missing required field 'id'"),
    ("{id: hdp, since: 2026-03-15}", "{id: hdp, since: 2026-02-30}", "E011",
     "'since' is '2026-02-30', not a valid date"),
    ("{id: hdp, stage: besluitvorming}", "{id: hdp, stage: later}", "E010",
     "'stage' is 'later', expected one of"),
    ("      - {id: hdp, stage: besluitvorming}\n", "      - 42\n", "E007",
     "each item of 'involved' must be an id or a mapping {id, since, stage}"),
    ("      - hdp\n      - {id: h1,", "      - h1\n      - {id: h1,", "W106",
     "'h1' is listed twice in 'involved'"),
    ("involve: [dv, cds]}", "involve: [dvv, cds]}", "E008",
     "involve 'dvv' is not a known directorate or external unit (did you mean 'dv'?)"),
    ("involve: [dv, cds]}", "involve: [v1, cds]}", "E009",
     "involve 'v1' is a person, not a directorate or external unit"),
    ("match: [veiligheid], ", "", "E006", "a theme is missing required field 'match'"),
    ("kind: defensieonderdeel}", "kind: defensieonderdel}", "E010",
     "did you mean 'defensieonderdeel'?"),
    ("  - {id: cds, name: Commandant", "  - {id: dv, name: Commandant", "E012",
     "duplicate id 'dv' (directorate and external unit)"),
    ("members: [s1, m1, cds]", "members: [s1, m1, cdss]", "E008",
     "members 'cdss' is not a known person or external unit (did you mean 'cds'?)"),
    ("kind: werkgroep", "kind: werkgroup", "E010", "did you mean 'werkgroep'?"),
    ("absent: [dv, cds]}", "absent: [dvv, cds]}", "E008",
     "absent 'dvv' is not a known directorate, department, person or external unit "
     "(did you mean 'dv'?)"),
    ("goals_met: 2,", "goals_met: 6,", "E014", "'goals_met' is 6, must be between 1 and 5"),
    ("head: s1}", "head: s11}", "E008", "head 's11' is not a known person (did you mean 's1'?)"),
])
def test_new_fields_are_validated(old, new, code, words):
    assert old in REGISTER, old
    result = load_text(REGISTER.replace(old, new, 1))
    hits = [d for d in result.diagnostics if d.code == code]
    assert hits, "\n".join(map(str, result.diagnostics))
    assert any(words in d.message for d in hits), "\n".join(map(str, hits))


def test_register_is_valid_and_positions_point_at_the_involved_id():
    # Only the missing `reviewed` dates of this short register are reported.
    assert {d.code for d in load_text(REGISTER).diagnostics} == {"W102"}
    text = REGISTER.replace("{id: hdp, since: 2026-03-15}", "{id: hdpp, since: 2026-03-15}")
    (d,) = [d for d in load_text(text).diagnostics if d.code == "E008"]
    line = text.splitlines().index("      - {id: hdpp, since: 2026-03-15}") + 1
    assert (d.loc.line, d.loc.column) == (line, 14)  # the id itself, not the mapping


def test_new_fields_in_the_json_schema():
    import jsonschema
    import yaml

    from registry.schema import json_schema
    from tests.test_schema import _jsonable

    data = _jsonable(yaml.safe_load(REGISTER))
    jsonschema.validate(data, json_schema())
    data["dossiers"][4]["involved"][0]["stage"] = "later"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, json_schema())


# -- the viewer -------------------------------------------------------------------------------
def test_dossier_page_says_who_should_be_involved(client):
    html = client.get("/dossier/materieelprojecten-dmp").text
    assert "HDP zou betrokken moeten zijn: Materieel" in html
    # English in a client of its own: the choice is remembered (a cookie) for later pages
    assert "HDP should be involved: Materieel" in client.application.test_client().get(
        "/dossier/materieelprojecten-dmp?lang=en").text
    data = client.get("/dossier/materieelprojecten-dmp.json").get_json()
    assert [(r["missing"], r["theme"]) for r in data["should_involve"]] == [("hdp", "materieel")]
    assert data["start"] == "2025-11-17" and data["stage"] == "ontwerp"
    assert "dmo" in [e["id"] for e in data["involved_entries"]]  # an external unit
    # Late involvement and the missing deputy on the pages where they belong.
    html = client.get("/dossier/munitiestrategie").text
    assert "DV laat betrokken bij" in html and "pas in de fase besluitvorming" in html
    assert "Geen vervanger" in html
    assert "Geen vervanger" not in client.get("/dossier/materieelprojecten-dmp").text


def test_person_page_shows_load_and_dossiers_without_deputy(client, sample):
    # l-oudelande owns kamerstukken-kwaliteit (deputy s-brakelveen) and woo-verzoeken-dgb
    # (no deputy).
    data = client.get("/person/l-oudelande.json").get_json()["load"]
    assert data["active_dossiers"] == 2 and data["overloaded"] is False
    assert [r["id"] for r in data["without_deputy"]] == ["woo-verzoeken-dgb"]
    html = client.get("/person/l-oudelande").text
    assert "2 actieve dossiers als dossierhouder (grens 8)" in html
    assert "Dossiers zonder vervanger (1)" in html


def test_dashboard_and_its_json_twin(client):
    data = client.get("/integrator.json").get_json()
    for key in ("should_involve", "late_involvement", "cover", "task_clarity"):
        assert key in data
    html = client.get("/integrator").text
    for words in ("Wie had betrokken moeten zijn (5)", "HDP zou betrokken moeten zijn: Materieel",
                  "Laat betrokken (2)", "Vervanging en capaciteit",
                  "Dossiers zonder vervanger (35)", "Wiens taak is het?"):
        assert words in html, words
    assert "Who should have been involved (5)" in client.get("/integrator?lang=en").text


def test_directorate_page_shows_capacity_involvement_and_tasks(client):
    data = client.get("/directorate/hdp.json").get_json()
    assert (data["capacity"]["fte"], data["capacity"]["vacancies"]) == (42.5, 2)
    assert {r["dossiers"][0] for r in data["should_involve_it"]} == {
        "materieelprojecten-dmp", "afstoten-materieel", "internationale-materieelsamenwerking"}
    assert [r["dossiers"][0] for r in data["late_involvement_of_it"]] == [
        "defensieplan-2027-2031"]
    html = client.get("/directorate/dmv").text
    assert "Overlappende taken van verschillende directies" in html


def test_dashboard_lists_are_cut_like_the_others():
    from tests.conftest import SAMPLE, _viewer

    client = _viewer(SAMPLE, MAX_RETURNED_ROWS=2).test_client()
    html = client.get("/integrator").text
    section = html[html.index('id="should-h"'):html.index('id="late-h"')]
    # 5 rows, 2 shown, "3 more" with a link to the next page.
    assert section.count("zou betrokken moeten zijn") == 2
    assert "En nog 3." in section and "page=2" in section
    rows = []
    for n in (2, 3):
        html = client.get(f"/integrator?page={n}").text
        section = html[html.index('id="should-h"'):html.index('id="late-h"')]
        rows.append(section.count("zou betrokken moeten zijn")
                    + section.count("ontbrak aan tafel"))
    assert rows == [2, 1] and "(5)" in section
