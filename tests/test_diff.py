"""`tvb diff`: the change in meaning between two versions of the register, and the change
in the findings.  Each pair of registries below has changes worked out by hand."""

from __future__ import annotations

import json
import subprocess

import pytest
from click.testing import CliRunner

from graph.findings_delta import findings_delta
from registry.diff import diff
from render.diff import changes_markdown, changes_text
from tests.conftest import TODAY, make_registry
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


OLD = """\
schema: 1
directorates:
  - id: dsk
    name: Directie Strategie en Kennis
    abbreviation: DSK
    axis: integrating
    head: e-dewit
    reviewed: 2026-10-01
    departments:
      - id: dsk-strategie
        name: Afdeling Strategie
        reviewed: 2026-10-01
  - id: cio
    name: Chief Information Office
    abbreviation: CIO
    axis: functional
    head: a-jansen
    reviewed: 2026-10-01
    departments:
      - id: cio-cyber
        name: Afdeling Cyber
        reviewed: 2026-10-01
  - id: dv
    name: Directie Veiligheid
    abbreviation: DV
    axis: functional
    reviewed: 2026-10-01
people:
  - {id: a-jansen, name: A. Jansen, unit: cio, function: Directeur, reviewed: 2026-10-01}
  - {id: b-bakker, name: B. Bakker, unit: cio-cyber, email: b.bakker@example.org,
     reviewed: 2026-10-01}
  - {id: c-visser, name: C. Visser, unit: dsk-strategie, reviewed: 2026-10-01}
  - {id: d-smit, name: D. Smit, unit: dv, reviewed: 2026-06-01}
  - {id: e-dewit, name: E. de Wit, unit: dsk, reviewed: 2026-10-01}
  - {id: g-oud, name: G. Oud, unit: dv, reviewed: 2026-10-01}
dossiers:
  - id: cyberstrategie
    title: Defensie Cyber Strategie
    owner: b-bakker
    deputy: a-jansen
    reviewed: 2026-10-01
  - id: kennisagenda
    title: Kennisagenda
    owner: c-visser
    penvoerder: dsk
    reviewed: 2026-10-01
collaborations:
  - id: cyberteam
    name: Cyberteam
    kind: projectteam
    lead: c-visser
    members: [c-visser, b-bakker]
    start: 2025-01-01
    reviewed: 2026-10-01
"""

# The same register after a pull request.  Changes, by hand:
#  * c-visser moves dsk-strategie (DSK) -> cio-cyber (CIO): between directorates;
#  * e-dewit moves dsk -> dsk-strategie: within DSK;
#  * cyberstrategie changes hands b-bakker -> d-smit (hand-over); its penvoerder is not
#    written, so it follows the owner: cio -> dv; the deputy a-jansen is dropped;
#  * kennisagenda is closed;
#  * a-jansen is renamed and gets another function; b-bakker's e-mail changes;
#  * f-nieuw is added, g-oud removed; unit dv-stoffen added;
#  * cyberteam ends on 2026-10-01 and gets its first evaluation; netwerk-dv starts;
#  * d-smit's reviewed moves 2026-06-01 -> 2026-11-20 (re-confirmed).
NEW = """\
schema: 1
directorates:
  - id: dv
    name: Directie Veiligheid
    abbreviation: DV
    axis: functional
    reviewed: 2026-10-01
    departments:
      - id: dv-stoffen
        name: Afdeling Gevaarlijke Stoffen
        reviewed: 2026-11-20
  - id: cio
    name: Chief Information Office
    abbreviation: CIO
    axis: functional
    head: a-jansen
    reviewed: 2026-10-01
    departments:
      - id: cio-cyber
        name: Afdeling Cyber
        reviewed: 2026-10-01
  - id: dsk
    name: Directie Strategie en Kennis
    abbreviation: DSK
    axis: integrating
    head: e-dewit
    reviewed: 2026-10-01
    departments:
      - id: dsk-strategie
        name: Afdeling Strategie
        reviewed: 2026-10-01
people:
  - {id: a-jansen, name: A. Jansen-Smit, unit: cio, function: Plv. directeur,
     reviewed: 2026-10-01}
  - {id: b-bakker, name: B. Bakker, unit: cio-cyber, email: bakker@example.org,
     reviewed: 2026-10-01}
  - {id: c-visser, name: C. Visser, unit: cio-cyber, reviewed: 2026-10-01}
  - {id: d-smit, name: D. Smit, unit: dv, reviewed: 2026-11-20}
  - {id: e-dewit, name: E. de Wit, unit: dsk-strategie, reviewed: 2026-10-01}
  - {id: f-nieuw, name: F. Nieuw, unit: dv-stoffen, reviewed: 2026-11-20}
dossiers:
  - id: cyberstrategie
    title: Defensie Cyber Strategie
    owner: d-smit
    reviewed: 2026-10-01
  - id: kennisagenda
    title: Kennisagenda
    owner: c-visser
    penvoerder: dsk
    status: closed
    reviewed: 2026-10-01
collaborations:
  - id: cyberteam
    name: Cyberteam
    kind: projectteam
    lead: c-visser
    members: [c-visser, b-bakker]
    start: 2025-01-01
    end: 2026-10-01
    evaluations:
      - date: 2026-10-15
        worthwhile: 4
    reviewed: 2026-10-01
  - id: netwerk-dv
    name: Netwerk Veiligheid
    kind: netwerk
    lead: d-smit
    members: [d-smit, f-nieuw]
    start: 2026-11-01
    reviewed: 2026-11-20
"""


@pytest.fixture(scope="module")
def pair():
    return make_registry(OLD), make_registry(NEW)


def test_people_added_removed_and_moved(pair):
    d = diff(*pair)
    assert [e.id for e in d.people_added] == ["f-nieuw"]
    assert d.people_added[0].directorate == "dv"  # dv-stoffen is a department of DV
    assert [e.id for e in d.people_removed] == ["g-oud"]
    moves = {m.id: m for m in d.people_moved}
    assert set(moves) == {"c-visser", "e-dewit"}
    cv = moves["c-visser"]
    assert (cv.from_unit, cv.to_unit) == ("dsk-strategie", "cio-cyber")
    assert (cv.from_directorate, cv.to_directorate) == ("dsk", "cio")
    assert cv.between_directorates
    ew = moves["e-dewit"]
    assert (ew.from_directorate, ew.to_directorate) == ("dsk", "dsk")
    assert not ew.between_directorates
    assert [m.id for m in d.moved_between_directorates] == ["c-visser"]


def test_rename_and_function(pair):
    d = diff(*pair)
    assert [(c.id, c.old, c.new) for c in d.people_renamed] == [
        ("a-jansen", "A. Jansen", "A. Jansen-Smit")]
    assert [(c.id, c.old, c.new) for c in d.people_function_changed] == [
        ("a-jansen", "Directeur", "Plv. directeur")]


def test_owner_hand_over_changes_penvoerder_and_deputy(pair):
    d = diff(*pair)
    assert [(c.id, c.old, c.new) for c in d.owner_changed] == [
        ("cyberstrategie", "b-bakker", "d-smit")]
    assert [(c.id, c.old, c.new) for c in d.deputy_changed] == [
        ("cyberstrategie", "a-jansen", None)]
    # Not written in the data: the penvoerder follows the owner from CIO to DV.
    assert [(c.id, c.old, c.new) for c in d.penvoerder_changed] == [
        ("cyberstrategie", "cio", "dv")]


def test_dossier_closed_and_reopened(pair):
    old, new = pair
    d = diff(old, new)
    assert [e.id for e in d.dossiers_closed] == ["kennisagenda"]
    assert d.dossiers_reopened == []
    back = diff(new, old)
    assert [e.id for e in back.dossiers_reopened] == ["kennisagenda"]
    assert back.dossiers_closed == []


def test_collaborations_started_ended_evaluated(pair):
    d = diff(*pair)
    assert [e.id for e in d.collaborations_started] == ["netwerk-dv"]
    assert [e.id for e in d.collaborations_ended] == ["cyberteam"]
    assert [(e.id, e.dates) for e in d.collaborations_evaluated] == [
        ("cyberteam", ("2026-10-15",))]
    assert d.collaborations_removed == []


def test_units_other_edits_and_reconfirmed(pair):
    d = diff(*pair)
    assert [e.id for e in d.units_added] == ["dv-stoffen"]
    assert d.units_removed == []
    # b-bakker's e-mail is an edit without a name of its own; the order of the
    # directorates in the file changed, which is no change at all.
    assert [(c.id, c.fields) for c in d.other_changes] == [("b-bakker", ("email",))]
    assert d.reconfirmed == ["d-smit"]


def test_order_of_entries_is_no_change(pair):
    old, _ = pair
    head, people = OLD.split("people:\n")
    people, rest = people.split("dossiers:\n")
    # the person entries in reverse order (two of them span two lines)
    entries = people.replace("\n     ", " ").splitlines()
    reordered = make_registry(head + "people:\n" + "\n".join(reversed(entries)) + "\n"
                              + "dossiers:\n" + rest)
    assert list(reordered.people) != list(old.people)
    assert diff(old, reordered).empty
    assert diff(old, old).as_dict()["empty"] is True


def test_as_dict_is_json_and_grouped(pair):
    data = diff(*pair).as_dict()
    text = json.dumps(data)  # JSON-ready: no dates, tuples or dataclasses left
    assert json.loads(text) == data
    assert data["empty"] is False
    assert data["people"]["moved"][0]["between_directorates"] is True
    assert data["dossiers"]["owner_changed"] == [
        {"id": "cyberstrategie", "label": "Defensie Cyber Strategie", "field": "owner",
         "old": "b-bakker", "new": "d-smit"}]
    assert data["collaborations"]["evaluated"] == [
        {"id": "cyberteam", "label": "Cyberteam", "dates": ["2026-10-15"]}]
    assert set(data) == {"empty", "people", "dossiers", "collaborations", "units",
                         "processes", "themes", "external", "organisation", "reconfirmed",
                         "other_changes"}


def test_markdown_and_text(pair):
    d = diff(*pair)
    md = changes_markdown(d, lang="en")
    assert "**People moved** (2)" in md
    assert "`c-visser` C. Visser: `dsk-strategie` (dsk) → `cio-cyber` (cio) — " \
           "**other directorate**" in md
    assert "**Dossier owner changed (hand-over)** (1)" in md
    assert "`cyberstrategie` Defensie Cyber Strategie: `b-bakker` → `d-smit`" in md
    text = changes_text(d, lang="en")
    assert "`" not in text and "**" not in text
    assert "Collaborations ended:" in text
    old, _ = pair
    assert "No change in meaning" in changes_markdown(diff(old, old), lang="en")


# -- findings delta (the report's JSON contract, reports built by hand) ---------------------------
def _report(silos=(), links=(), spofs=(), isolated=(), stale=(), unowned=(), unevaluated=()):
    return {"silos": list(silos), "missing_links": list(links),
            "single_points_of_failure": list(spofs), "isolated_dossier_holders": list(isolated),
            "upkeep": {"stale": list(stale), "unowned_dossiers": list(unowned),
                       "unevaluated_collaborations": list(unevaluated)}}


def test_findings_delta_new_and_resolved():
    old = _report(
        silos=[{"directorate": "dsk", "ei_index": -0.6, "flagged": True},
               {"directorate": "cio", "ei_index": 0.2, "flagged": False}],
        links=[{"kind": "integration-model", "directorates": ["dsk", "dv"], "dossiers": [],
                "people": [], "reason": "no tie"},
               {"kind": "overlap", "directorates": ["dmv", "dbe"],
                "dossiers": ["vastgoed-b", "vastgoed-a"], "people": [], "reason": "old text"}],
        spofs=[{"person": "p-een", "separates": [["dsk", "cio"]]}],
        isolated=[{"person": "p-twee", "directorate": "dv", "dossiers": ["d1"]}],
        stale=[{"id": "p-drie", "kind": "person", "reviewed": None}],
        unowned=["d9"])
    new = _report(
        silos=[{"directorate": "dsk", "ei_index": 0.1, "flagged": False},
               {"directorate": "cio", "ei_index": None, "flagged": True}],
        # the overlap is the same finding (same kind, directorates and dossiers in
        # another order, new reason); the integration-model gap is closed
        links=[{"kind": "overlap", "directorates": ["dbe", "dmv"],
                "dossiers": ["vastgoed-a", "vastgoed-b"], "people": [], "reason": "new text"},
               {"kind": "process", "directorates": ["dsk", "hdp"], "dossiers": ["d2"],
                "people": [], "reason": "HDP not involved"}],
        spofs=[{"person": "p-een", "separates": [["dsk", "dv"]]},
               {"person": "p-vier", "separates": [["cio", "dv"]]}],
        isolated=[],
        stale=[{"id": "p-drie", "kind": "person", "reviewed": None},
               {"id": "d1", "kind": "dossier", "reviewed": "2026-01-02"}],
        unevaluated=["c1"])
    delta = findings_delta(old, new)
    assert [s["directorate"] for s in delta.new["silos"]] == ["cio"]
    assert [s["directorate"] for s in delta.resolved["silos"]] == ["dsk"]
    assert [(x["kind"], x["dossiers"]) for x in delta.new["missing_links"]] == [
        ("process", ["d2"])]
    assert [x["kind"] for x in delta.resolved["missing_links"]] == ["integration-model"]
    assert [x["person"] for x in delta.new["single_points_of_failure"]] == ["p-vier"]
    assert delta.resolved["single_points_of_failure"] == []
    assert [x["person"] for x in delta.resolved["isolated_dossier_holders"]] == ["p-twee"]
    assert [x["id"] for x in delta.new["stale"]] == ["d1"]
    assert delta.resolved["unowned_dossiers"] == [{"id": "d9"}]
    assert delta.new["unevaluated_collaborations"] == [{"id": "c1"}]
    assert not delta.empty
    assert json.loads(json.dumps(delta.as_dict()))["new"]["silos"][0]["directorate"] == "cio"


def test_findings_delta_tolerates_missing_keys_and_renders():
    from render.diff import findings_markdown as md
    from render.diff import findings_text as text

    assert findings_delta({}, {}).empty
    delta = findings_delta({}, _report(silos=[{"directorate": "dv", "ei_index": None,
                                               "flagged": True}]))
    assert "**New: silos (flagged directorates)** (1)" in md(delta, lang="en")
    assert "`dv` (no ties)" in md(delta, lang="en")
    assert "dv (no ties)" in text(delta, lang="en")
    assert "No finding appeared" in md(findings_delta({}, {}), lang="en")


TIES = """\
schema: 1
settings: {stale_after_days: 365}
directorates:
  - {id: dsk, name: DSK, axis: integrating, reviewed: 2026-10-01}
  - {id: cio, name: CIO, axis: functional, reviewed: 2026-10-01}
  - {id: dv, name: DV, axis: functional, reviewed: 2026-10-01}
people:
  - {id: p1, name: P. Een, unit: dsk, reviewed: 2026-10-01}
  - {id: p2, name: P. Twee, unit: cio, reviewed: 2026-10-01}
  - {id: p3, name: P. Drie, unit: dv, reviewed: 2026-10-01}
collaborations:
  - {id: c1, name: Een, kind: overleg, members: [p1, p2], start: 2026-06-01,
     reviewed: 2026-10-01}
"""


def test_findings_delta_with_the_real_analysis():
    from graph.findings_delta import delta_between

    old = make_registry(TIES)
    # By hand: before, DV has no tie at all (a flagged silo, E-I undefined) and the
    # integrating x functional pair DSK-DV has no tie (an integration-model gap).
    # A collaboration of p1 (DSK) and p3 (DV) ties them: both findings are resolved.
    new = make_registry(TIES + """\
  - {id: c2, name: Twee, kind: overleg, members: [p1, p3], start: 2026-06-01,
     reviewed: 2026-10-01}
""")
    delta = delta_between(old, new, TODAY)
    assert "dv" in [s["directorate"] for s in delta.resolved["silos"]]
    assert ("integration-model", ["dsk", "dv"]) in [
        (x["kind"], sorted(x["directorates"])) for x in delta.resolved["missing_links"]]
    assert delta.new["silos"] == []
    # and the same comparison through the command line, as JSON
    assert delta_between(old, old, TODAY).empty


# -- the command ----------------------------------------------------------------------------
def test_cli_diff_files(tmp_path):
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.yaml").write_text(NEW, encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"),
                               "--format", "json", "--today", "2026-11-29"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["changes"]["dossiers"]["owner_changed"][0]["new"] == "d-smit"
    assert data["today"] == "2026-11-29"
    assert "findings" in data
    res = runner.invoke(main, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "new.yaml"),
                               "--format", "md"])
    assert res.exit_code == 0
    assert res.output.startswith("<!-- tvb-diff -->\n## TVB-register:")
    assert "**other directorate**" in res.output


def test_cli_diff_errors_and_usage(tmp_path):
    (tmp_path / "old.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(NEW.replace("owner: d-smit", "owner: d-smid"),
                                       encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(main, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "bad.yaml")])
    assert res.exit_code == 1
    assert "error[E008]: owner 'd-smid' is not a known person (did you mean 'd-smit'?)" \
        in res.output
    assert runner.invoke(main, ["diff", str(tmp_path / "old.yaml")]).exit_code == 2
    # Markdown for a pull-request comment: the diagnostics go to stdout too, never empty
    res = runner.invoke(main, ["diff", str(tmp_path / "old.yaml"), str(tmp_path / "bad.yaml"),
                               "--format", "md"])
    assert res.exit_code == 1
    assert res.stdout.startswith("### The register has errors\n")
    assert f"- `{tmp_path / 'bad.yaml'}:" in res.stdout
    assert "owner 'd-smid' is not a known person (did you mean 'd-smit'?)" in res.stdout
    assert runner.invoke(main, ["diff", str(tmp_path / "old.yaml"),
                                str(tmp_path / "nope.yaml")]).exit_code == 2
    assert runner.invoke(main, ["diff", "--git"]).exit_code == 2


def _git(cwd, *args):
    subprocess.run(["git", "-c", "user.email=test@example.org", "-c", "user.name=Test",
                    "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True,
                   capture_output=True)


def test_cli_diff_git_revisions(tmp_path, monkeypatch):
    repo = tmp_path / "data-repo"
    (repo / "data").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "data" / "tvb.yaml").write_text(OLD, encoding="utf-8")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    (repo / "data" / "tvb.yaml").write_text(NEW, encoding="utf-8")
    monkeypatch.chdir(repo)
    runner = CliRunner()
    # HEAD omitted: the working tree
    res = runner.invoke(main, ["diff", "--git", "main", "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert (data["old"], data["new"]) == ("main:data/tvb.yaml", "data/tvb.yaml")
    assert data["changes"]["people"]["moved"][0]["id"] == "c-visser"
    _git(repo, "commit", "-q", "-am", "change")
    res = runner.invoke(main, ["diff", "--git", "HEAD~1", "HEAD", "--format", "text"])
    assert res.exit_code == 0, res.output
    assert res.output.startswith("HEAD~1:data/tvb.yaml → HEAD:data/tvb.yaml")
    assert "c-visser C. Visser: dsk-strategie (dsk) → cio-cyber (cio) — other directorate" \
        in res.output
    # a bad revision is a usage mistake; errors at a revision name it
    res = runner.invoke(main, ["diff", "--git", "no-such-branch"])
    assert res.exit_code == 2
    assert "unknown revision 'no-such-branch'" in res.output
    (repo / "data" / "tvb.yaml").write_text(NEW.replace("owner: d-smit", "owner: zz"),
                                            encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "broken")
    res = runner.invoke(main, ["diff", "--git", "HEAD~1", "HEAD"])
    assert res.exit_code == 1
    assert "HEAD:data/tvb.yaml:" in res.output and "error[E008]" in res.output


def test_cli_diff_git_split_folder_and_new_register(tmp_path, monkeypatch):
    repo = tmp_path / "data-repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("data\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "empty")
    reg = repo / "register"
    reg.mkdir()
    head, people = OLD.split("people:\n")
    (reg / "a-units.yaml").write_text(head.split("dossiers:")[0], encoding="utf-8")
    (reg / "b-people.yaml").write_text("schema: 1\npeople:\n" + people, encoding="utf-8")
    (reg / "notes.txt").write_text("not data")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "split")
    monkeypatch.chdir(repo)
    runner = CliRunner()
    # Not there at the base: everything counts as added, and the output says so.
    res = runner.invoke(main, ["diff", "--git", "HEAD~1", "HEAD", "--data", "register",
                               "--format", "json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert len(data["changes"]["people"]["added"]) == 6
    assert any("does not exist" in n for n in data["notes"])
    # Move c-visser in the people file only: the folder is merged at both revisions.
    text = (reg / "b-people.yaml").read_text(encoding="utf-8")
    (reg / "b-people.yaml").write_text(
        text.replace("unit: dsk-strategie", "unit: cio-cyber"), encoding="utf-8")
    res = runner.invoke(main, ["diff", "--git", "HEAD", "--data", "register", "--format", "json"])
    assert res.exit_code == 0, res.output
    moved = json.loads(res.output)["changes"]["people"]["moved"]
    assert [(m["id"], m["between_directorates"]) for m in moved] == [("c-visser", True)]
