"""Findings sized for people (issue 18): the process gaps of an ``involve: all`` dossier
one row per dossier, and the dashboard and its JSON twin paged.

The register is built by hand.  Directorates: DSK and DOBP (integrating), CIO and DV
(functional), KAB (staff).  Process ``alles`` (``involve: all``) requires every
directorate but the staff one: DSK, DOBP, CIO, DV.  Five dossiers d1 … d5 follow it, each
owned by p-dsk (DSK, so DSK is involved) and involving CIO; so each lacks DOBP and DV.
``tvb report`` keeps one ``process`` row per (dossier, missing directorate), 10 rows; the
compact ``process_gaps`` has 5 rows, one per dossier, each missing [dobp, dv].
"""

from __future__ import annotations

import json

import pytest

from graph.analysis import report
from tests.conftest import TODAY, _viewer, make_registry, register

DIRECTORATES = [
    {"id": "dsk", "name": "Directie Strategie en Kennis", "abbreviation": "DSK",
     "axis": "integrating"},
    {"id": "dobp", "name": "Directie Operationeel Beleid", "abbreviation": "DOBP",
     "axis": "integrating"},
    {"id": "cio", "name": "Chief Information Office", "abbreviation": "CIO",
     "axis": "functional"},
    {"id": "dv", "name": "Directie Veiligheid", "abbreviation": "DV", "axis": "functional"},
    {"id": "kab", "name": "Kabinet", "abbreviation": "KAB", "axis": "staff"},
]
PEOPLE = [{"id": "p-dsk", "name": "P. Dsk", "unit": "dsk", "reviewed": "2026-11-01"}]
DOSSIERS = [{"id": f"d{i}", "title": f"Dossier {i}", "owner": "p-dsk", "involved": ["cio"],
             "process": "alles", "reviewed": "2026-11-01"} for i in range(1, 6)]
PROCESSES = [{"id": "alles", "name": "Met iedereen", "penvoerder": "dsk", "involve": "all"}]
TEXT = register(organisation={"id": "org", "name": "Org"}, directorates=DIRECTORATES,
                people=PEOPLE, dossiers=DOSSIERS, processes=PROCESSES)


@pytest.fixture(scope="module")
def rep():
    return report(make_registry(TEXT), TODAY)


def test_report_keeps_one_process_row_per_pair(rep):
    rows = [r for r in rep["missing_links"] if r["kind"] == "process"]
    assert [(r["dossiers"][0], r["directorates"]) for r in rows] == [
        (f"d{i}", ["dsk", need]) for i in range(1, 6) for need in ("dobp", "dv")]


def test_process_gaps_are_one_row_per_dossier(rep):
    gaps = rep["process_gaps"]
    assert [(g["dossier"], g["directorate"], g["missing"], g["process"], g["people"])
            for g in gaps] == [(f"d{i}", "dsk", ["dobp", "dv"], "alles", ["p-dsk"])
                               for i in range(1, 6)]
    assert gaps[0]["reason"] == ("'Dossier 1' follows process 'Met iedereen', which "
                                 "requires DOBP, DV; not involved: DOBP, DV")
    # Expanding the compact rows gives the per-pair rows back.
    expanded = [(g["dossier"], [g["directorate"], m]) for g in gaps for m in g["missing"]]
    assert expanded == [(r["dossiers"][0], r["directorates"])
                        for r in rep["missing_links"] if r["kind"] == "process"]


def _client(tmp_path_factory, text: str):
    """A test client of the viewer on *text*, two rows per page."""
    path = tmp_path_factory.mktemp("paging") / "tvb.yaml"
    path.write_text(text, encoding="utf-8")
    return _viewer(path, MAX_RETURNED_ROWS=2).test_client()


@pytest.fixture(scope="module")
def paged(tmp_path_factory):
    return _client(tmp_path_factory, TEXT)


def test_json_twin_pages_every_list(paged, rep):
    first = paged.get("/integrator.json").get_json()
    p = first["pagination"]
    # process_gaps (5) is the longest list: 3 pages of 2.
    assert (p["page"], p["pages"], p["max_returned_rows"]) == (1, 3, 2)
    assert p["counts"]["process_gaps"] == 5
    assert p["counts"]["missing_links"] == len(
        [r for r in rep["missing_links"] if r["kind"] != "process"])
    assert p["prev"] is None and p["next"].endswith("/integrator.json?page=2")
    assert [g["dossier"] for g in first["process_gaps"]] == ["d1", "d2"]
    assert all(r["kind"] != "process" for r in first["missing_links"])
    # Following next collects every row of every list exactly once.
    gaps, links, stale, url, pages = [], [], [], "/integrator.json", 0
    while url:
        page = paged.get(url).get_json()
        pages += 1
        gaps += page["process_gaps"]
        links += page["missing_links"]
        stale += page["upkeep"]["stale"]
        assert all(len(v) <= 2 for v in (page["process_gaps"], page["missing_links"],
                                          page["upkeep"]["stale"], page["brokers"]))
        url = page["pagination"]["next"]
    assert pages == 3
    assert gaps == json.loads(json.dumps(rep["process_gaps"]))
    assert links == json.loads(json.dumps(
        [r for r in rep["missing_links"] if r["kind"] != "process"]))
    assert stale == json.loads(json.dumps(rep["upkeep"]["stale"]))
    # The integration matrix is bounded by the directorates: always whole.
    assert first["integration_matrix"] == json.loads(json.dumps(rep["integration_matrix"]))


def test_names_cover_the_ids_on_the_page(paged):
    last = paged.get("/integrator.json?page=3").get_json()
    assert [g["dossier"] for g in last["process_gaps"]] == ["d5"]
    assert last["pagination"]["next"] is None
    assert "d5" in last["names"] and "d1" not in last["names"]
    assert last["names"]["dobp"] == "DOBP"


def test_page_beyond_the_last_is_404_in_the_one_shape(paged):
    resp = paged.get("/integrator.json?page=4")
    assert resp.status_code == 404
    assert resp.get_json() == {"ok": False, "status": 404,
                               "error": "page 4 does not exist (3 pages)"}
    assert paged.get("/integrator.json?page=0").status_code == 400
    assert paged.get("/integrator.json?page=x").status_code == 400


def test_html_page_shows_one_row_per_dossier_and_links_the_next_page(paged):
    html = paged.get("/integrator?page=2").text
    section = html[html.index('id="missing-process"'):html.index('id="missing-overlap"')]
    section = section.replace("\u2068", "").replace("\u2069", "")  # bidi isolates of names
    assert section.count("niet betrokken: DOBP, DV") == 2
    assert "Dossier 3" in section and "Dossier 4" in section and "Dossier 1" not in section
    assert "En nog 1." in section and "page=3" in section
    assert "Pagina 2 van 3" in html and 'rel="prev"' in html and 'rel="next"' in html


# Five dossiers of DSK that involve no one: all five are sectoral, more than a page of 2.
SECTORAL = register(
    organisation={"id": "org", "name": "Org"}, directorates=DIRECTORATES, people=PEOPLE,
    dossiers=[{"id": f"s{i}", "title": f"Sectoraal {i}", "owner": "p-dsk",
               "reviewed": "2026-11-01"} for i in range(1, 6)])


@pytest.fixture(scope="module")
def sectoral(tmp_path_factory):
    return _client(tmp_path_factory, SECTORAL)


def _all_pages(client, url):
    ids, pages = [], 0
    while url and pages < 10:
        body = client.get(url).get_json()
        ids += body["sectoral_dossiers"]
        assert set(body["names"]) == set(body["sectoral_dossiers"])
        url, pages = body["pagination"]["next"], pages + 1
    return ids, pages


@pytest.mark.parametrize("level", [None, "staff"])
def test_json_twin_cuts_a_silo_rows_sectoral_dossiers(sectoral, level):
    """The dashboard's JSON twin shows a page of a silo row's sectoral dossiers with
    their count and a link; the link pages through all of them, as ``tvb report``."""
    full = report(make_registry(SECTORAL), TODAY)
    data = sectoral.get("/integrator.json").get_json()
    rows = data["silos"] if level is None else data["levels"][level]["silos"]
    full_rows = full["silos"] if level is None else full["levels"][level]["silos"]
    row = next(r for r in rows if r["directorate"] == "dsk")
    whole = next(r for r in full_rows if r["directorate"] == "dsk")["sectoral_dossiers"]
    assert whole == [f"s{i}" for i in range(1, 6)]
    assert row["sectoral_dossiers"] == ["s1", "s2"]
    assert row["sectoral_dossiers_count"] == 5
    ids, pages = _all_pages(sectoral, row["sectoral_dossiers_url"])
    assert ids == whole and pages == 3
    # The HTML page counts them whole.
    assert "(5/5)" in sectoral.get("/integrator").text


def test_sectoral_list_refuses_unknown_rows_and_pages(sectoral):
    assert sectoral.get("/integrator/sectoral/nope.json").status_code == 404
    assert sectoral.get("/integrator/sectoral/dsk.json?page=4").status_code == 404
    assert sectoral.get("/integrator/sectoral/dsk.json?level=x").status_code == 400
    assert sectoral.get("/integrator/sectoral/dsk.json?page=0").status_code == 400


def test_report_without_process_rows_is_the_report_less_those_rows(rep):
    """``process_rows=False`` (for a viewer that shows the compact gaps) drops exactly the
    ``process`` rows; names, gaps and every other finding stay the same."""
    lean = report(make_registry(TEXT), TODAY, process_rows=False)
    assert [r for r in rep["missing_links"] if r["kind"] == "process"]
    assert lean["missing_links"] == [r for r in rep["missing_links"] if r["kind"] != "process"]
    assert {k: v for k, v in lean.items() if k != "missing_links"} == \
        {k: v for k, v in rep.items() if k != "missing_links"}
