"""History from git: scripted commits in a temporary repository (a hand-over, a move, a
renamed id, a new head) and the "eerder" rows worked out by hand."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess

import pytest

from registry.history import earlier, head, steps
from tests.conftest import TODAY, register

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

DIRS = [{"id": "dsk", "name": "DSK", "axis": "integrating", "head": "h-a",
         "departments": [{"id": "dsk-a", "name": "Afdeling A"},
                         {"id": "dsk-b", "name": "Afdeling B"}]}]


def _people(**changes):
    people = {"h-a": {"id": "h-a", "name": "H. A", "unit": "dsk"},
              "p-b": {"id": "p-b", "name": "P. B", "unit": "dsk-a"},
              "p-c": {"id": "p-c", "name": "P. C", "unit": "dsk-a"},
              "p-d": {"id": "p-d", "name": "P. D", "unit": "dsk-b"}}
    for pid, change in changes.items():
        if change is None:
            people.pop(pid)
        else:
            people[pid] = {**people.get(pid, {"id": pid}), **change}
    return list(people.values())


def _commit(repo, text: str, message: str, author: str, date: str) -> None:
    (repo / "tvb.yaml").write_text(text, encoding="utf-8")
    env = {**os.environ, "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": "a@example.org",
           "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run(["git", "add", "tvb.yaml"], cwd=repo, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", message], cwd=repo, check=True, env=env)


@pytest.fixture()
def repo(tmp_path):
    subprocess.run(["git", "init", "-q", "-b", "main", str(tmp_path)], check=True)
    d = {"id": "d-x", "title": "Dossier X", "owner": "p-b", "deputy": "p-c"}
    # 1. the start
    _commit(tmp_path, register(directorates=DIRS, people=_people(), dossiers=[d]),
            "start", "Anna", "2026-01-05T10:00:00+00:00")
    # 2. a hand-over: p-d takes d-x over from p-b
    _commit(tmp_path, register(directorates=DIRS, people=_people(),
                               dossiers=[{**d, "owner": "p-d"}]),
            "hand-over of X", "Bram", "2026-03-02T09:00:00+00:00")
    # 3. a move: p-c from dsk-a to dsk-b
    _commit(tmp_path, register(directorates=DIRS, people=_people(**{"p-c": {"unit": "dsk-b"}}),
                               dossiers=[{**d, "owner": "p-d"}]),
            "P. C moves", "Anna", "2026-05-11T09:00:00+00:00")
    # 4. a renamed id: p-d becomes p-d2 (same person, same name), referenced everywhere
    _commit(tmp_path, register(directorates=DIRS,
                               people=_people(**{"p-c": {"unit": "dsk-b"}, "p-d": None,
                                                 "p-d2": {"name": "P. D", "unit": "dsk-b"}}),
                               dossiers=[{**d, "owner": "p-d2"}]),
            "id of P. D", "Bram", "2026-06-01T09:00:00+00:00")
    # 5. a new head of DSK, and the deputy handed to p-d2
    dirs = [{**DIRS[0], "head": "p-b"}]
    _commit(tmp_path, register(directorates=dirs,
                               people=_people(**{"p-c": {"unit": "dsk-b"}, "p-d": None,
                                                 "p-d2": {"name": "P. D", "unit": "dsk-b"}}),
                               dossiers=[{**d, "owner": "p-d2", "deputy": "p-d2"}]),
            "new head", "Carla", "2026-07-01T09:00:00+00:00")
    return tmp_path


def test_steps_newest_first_with_author_and_date(repo):
    got = steps(repo / "tvb.yaml", today=TODAY)
    assert [s.commit.subject for s in got] == ["new head", "id of P. D", "P. C moves",
                                               "hand-over of X", "start"]
    assert [s.commit.author for s in got] == ["Carla", "Bram", "Anna", "Bram", "Anna"]
    assert got[0].commit.date.date() == dt.date(2026, 7, 1)
    assert got[1].renamed == {"p-d": "p-d2"}
    assert head(repo / "tvb.yaml") == got[0].commit.sha


def _rows(rows):
    return [(r["role"], r["subject"], r["other"], r["from"] and r["from"].isoformat(),
             r["until"].isoformat()) for r in rows]


def test_eerder_rows_for_dossier_person_and_unit(repo):
    rows = earlier(steps(repo / "tvb.yaml", today=TODAY))
    # the dossier: p-b owned it from the start until the hand-over; p-c deputised until
    # July; the rename of p-d is no hand-over
    assert _rows(rows["d-x"]) == [
        ("deputy", "d-x", "p-c", None, "2026-07-01"),
        ("owner", "d-x", "p-b", "2026-01-05", "2026-03-02"),
    ]
    # the unit: p-c worked in dsk-a until the move
    assert _rows(rows["dsk-a"]) == [("member", "dsk-a", "p-c", "2026-01-05", "2026-05-11")]
    # the directorate: h-a headed it until July
    assert _rows(rows["dsk"]) == [("head", "dsk", "h-a", None, "2026-07-01")]
    # the person under the new id keeps its old id as a row, and no hand-over to itself
    assert _rows(rows["p-d2"]) == [("id", "p-d2", "p-d", None, "2026-06-01")]
    assert "p-d" not in rows
    assert _rows(rows["p-c"]) == [
        ("deputy", "d-x", "p-c", None, "2026-07-01"),
        ("member", "dsk-a", "p-c", "2026-01-05", "2026-05-11"),
    ]
    assert rows["p-b"][0]["author"] == "Bram" and len(rows["p-b"][0]["commit"]) == 12


def test_the_limit_bounds_the_commits_read(repo):
    got = steps(repo / "tvb.yaml", limit=2, today=TODAY)
    assert [s.commit.subject for s in got] == ["new head", "id of P. D"]
    rows = earlier(got)
    assert _rows(rows["dsk"]) == [("head", "dsk", "h-a", None, "2026-07-01")]
    assert "d-x" in rows and [r["role"] for r in rows["d-x"]] == ["deputy"]


def test_no_git_no_history(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(register(directorates=DIRS, people=_people()), encoding="utf-8")
    env_ceiling = os.environ.get("GIT_CEILING_DIRECTORIES")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path.parent)
    try:
        assert steps(path) == []
        assert head(path) is None
    finally:
        if env_ceiling is None:
            os.environ.pop("GIT_CEILING_DIRECTORIES")
        else:
            os.environ["GIT_CEILING_DIRECTORIES"] = env_ceiling


# -- in the viewer ------------------------------------------------------------------------------
@pytest.fixture()
def viewer(repo):
    from web import create_app

    app = create_app({"DATA": repo / "tvb.yaml", "TODAY": TODAY, "WATCH": False,
                      "TESTING": True, "CACHE": False})
    yield app.test_client()
    app.extensions["tvb.snapshots"].stop()


def test_eerder_on_the_dossier_person_and_unit_pages(viewer):
    data = viewer.get("/dossier/d-x.json").get_json()
    assert [(r["role"], r["other"]["id"], r["from"], r["until"]) for r in data["earlier"]] == [
        ("deputy", "p-c", None, "2026-07-01"), ("owner", "p-b", "2026-01-05", "2026-03-02")]
    html = viewer.get("/dossier/d-x").get_data(as_text=True)
    assert '<h2 id="earlier-h">Eerder</h2>' in html
    assert 'class="earlier-owner"><td>eigenaar</td><td><a href="/person/p-b"' in html
    unit = viewer.get("/department/dsk-a.json").get_json()
    assert [(r["role"], r["other"]["id"]) for r in unit["earlier"]] == [("member", "p-c")]
    person = viewer.get("/person/p-d2.json").get_json()
    assert [(r["role"], r["other"]["id"]) for r in person["earlier"]] == [("id", "p-d")]
    english = viewer.get("/directorate/dsk?lang=en").get_data(as_text=True)
    assert '<h2 id="earlier-h">Earlier</h2>' in english and "<td>head</td>" in english


def test_recent_changes_newest_first_with_author_and_date(viewer):
    data = viewer.get("/recent.json").get_json()
    assert [c["subject"] for c in data["commits"]] == [
        "new head", "id of P. D", "P. C moves", "hand-over of X", "start"]
    newest = data["commits"][0]
    assert newest["author"] == "Carla" and newest["date"].startswith("2026-07-01")
    kinds = [(x["kind"], x["id"]) for x in newest["changes"]]
    assert ("head", "dsk") in kinds and ("deputy", "d-x") in kinds
    rename = data["commits"][1]["changes"]
    # the renamed id is one change, not a departure, an arrival and a hand-over
    assert [(x["kind"], x["old"], x["new"]) for x in rename] == [("renamed", "p-d", "p-d2")]
    moved = data["commits"][2]["changes"]
    assert [(x["kind"], x["old"], x["new"]) for x in moved] == [("moved", "dsk-a", "dsk-b")]
    assert moved[0]["text"] == "P. C verhuisd van Afdeling A naar Afdeling B"
    # findings are compared with the commit before: the first commit read has none
    assert data["commits"][-1]["findings"] == []
    html = viewer.get("/recent").get_data(as_text=True)
    assert html.index("new head") < html.index("hand-over of X")
    assert 'type="application/atom+xml"' in html


def test_the_feed_is_atom(viewer):
    feedparser = pytest.importorskip("feedparser")
    resp = viewer.get("/recent.atom")
    assert resp.mimetype == "application/atom+xml"
    parsed = feedparser.parse(resp.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == [
        "new head", "id of P. D", "P. C moves", "hand-over of X", "start"]
    assert parsed.entries[0].author == "Carla"
    assert parsed.entries[0].updated.startswith("2026-07-01")
    assert "P. C verhuisd van Afdeling A naar Afdeling B" in parsed.entries[2].summary
    # RFC 4287 §4.1.1/4.1.2: feed and entries carry id, title and updated; an author
    from xml.etree import ElementTree as ET

    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = ET.fromstring(resp.data)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for el in [root, *root.findall("a:entry", ns)]:
        for tag in ("id", "title", "updated"):
            assert len(el.findall(f"a:{tag}", ns)) == 1, (el.tag, tag)
        assert el.find("a:author/a:name", ns) is not None or el is not root
        dt.datetime.fromisoformat(el.find("a:updated", ns).text)  # RFC 3339 date
    ids = [e.find("a:id", ns).text for e in root.findall("a:entry", ns)]
    assert len(set(ids)) == len(ids)


def test_no_git_no_history_in_the_viewer(tmp_path):
    from web import create_app

    path = tmp_path / "tvb.yaml"
    path.write_text(register(directorates=DIRS, people=_people(),
                             dossiers=[{"id": "d-x", "title": "X", "owner": "p-b"}]),
                    encoding="utf-8")
    os.environ["GIT_CEILING_DIRECTORIES"] = str(tmp_path.parent)
    try:
        app = create_app({"DATA": path, "TODAY": TODAY, "WATCH": False, "TESTING": True,
                          "CACHE": False})
        c = app.test_client()
        assert c.get("/dossier/d-x.json").get_json()["earlier"] == []
        assert "Eerder" not in c.get("/dossier/d-x").get_data(as_text=True)
        assert c.get("/recent.json").get_json()["commits"] == []
        assert "Geen wijzigingen gevonden" in c.get("/recent").get_data(as_text=True)
        app.extensions["tvb.snapshots"].stop()
    finally:
        os.environ.pop("GIT_CEILING_DIRECTORIES", None)
