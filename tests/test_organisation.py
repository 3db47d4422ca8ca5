"""/organisation as a tree (directorates → departments → people, heads marked, vacancies
shown), folded with <details> and no script, on a hand-built register."""

from __future__ import annotations

import re

import pytest

from tests.conftest import TODAY

REGISTER = {
    "organisation": {"id": "org", "name": "Testorganisatie", "head": "dg"},
    "directorates": [
        {"id": "dsk", "name": "Directie Strategie", "abbreviation": "DSK", "axis": "integrating",
         "head": "h-dsk", "vacancies": 2, "fte": 12.5,
         "departments": [{"id": "dsk-a", "name": "Afdeling A", "head": "h-a", "vacancies": 1},
                         {"id": "dsk-b", "name": "Afdeling B"}]},
        {"id": "dv", "name": "Directie V", "abbreviation": "DV", "axis": "functional"},
    ],
    "people": [
        {"id": "dg", "name": "D. Generaal", "unit": "dsk"},
        {"id": "h-dsk", "name": "H. Dsk", "unit": "dsk", "function": "Directeur"},
        {"id": "h-a", "name": "H. A", "unit": "dsk-a"},
        {"id": "p-a", "name": "P. A", "unit": "dsk-a"},
        {"id": "p-b", "name": "P. B", "unit": "dsk-b"},
        {"id": "p-v", "name": "P. V", "unit": "dv"},
    ],
}


@pytest.fixture()
def client(write_register):
    from web import create_app

    app = create_app({"DATA": write_register(**REGISTER), "TODAY": TODAY, "WATCH": False,
                      "TESTING": True, "CACHE": False})
    yield app.test_client()
    app.extensions["tvb.snapshots"].stop()


def _tree(data):
    def people(u):
        return [(p["id"], p["is_head"]) for p in u["members"]]
    return [(d["id"], people(d), d["vacancies"], d["head_vacant"],
             [(u["id"], people(u), u["vacancies"], u["head_vacant"]) for u in d["tree"]])
            for d in data["directorates"]]


def test_the_json_twin_is_the_tree(client):
    data = client.get("/organisation.json").get_json()
    assert data["head"]["id"] == "dg"
    assert _tree(data) == [
        ("dsk", [("h-dsk", True), ("dg", False)], 2, False,
         [("dsk-a", [("h-a", True), ("p-a", False)], 1, False),
          ("dsk-b", [("p-b", False)], 0, True)]),
        ("dv", [("p-v", False)], 0, True, []),
    ]
    assert data["directorates"][0]["people"] == 5  # with its departments
    assert data["directorates"][0]["fte"] == 12.5


def test_the_page_folds_without_script_and_marks_heads_and_vacancies(client):
    resp = client.get("/organisation")
    html = resp.get_data(as_text=True)
    assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None  # no inline script
    assert html.count("<details open>") == 4  # two directorates, two departments
    assert html.count("<summary>") == 4
    # heads first and marked; the head of DSK is bold with the badge
    dsk = html[html.index('id="org-dsk"'):html.index('id="org-dv"')]
    assert dsk.index("H. Dsk") < dsk.index("D. Generaal")
    assert '<strong><a href="/person/h-dsk">H. Dsk</a></strong> ' \
        '<span class="badge badge-head">hoofd</span>' in dsk
    # vacancies, with plural forms
    assert "2 vacatures" in dsk and "1 vacature<" in dsk
    b = html[html.index('id="org-dsk-b"'):html.index('id="org-dv"')]
    assert "hoofd vacant" in b and "1 persoon" in b
    assert "12.5 fte" in dsk and "5 mensen" in dsk
    english = client.get("/organisation?lang=en").get_data(as_text=True)
    assert "2 vacancies" in english and "1 vacancy<" in english and "head vacant" in english
    assert "· 1 person " in english and "· 5 people " in english
    # print: header, footer and the hint hidden
    css = client.get("/static/tvb.css").get_data(as_text=True)
    assert "@media print" in css
