"""The viewer through Flask's test client: every route and its JSON twin, the 404/400
paths, the headers, languages, reloads with valid and invalid data, and no external URL
in anything served.  Exact answers are checked on a hand-built mini register (MINI)."""

from __future__ import annotations

import json
import re
import textwrap
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from tests.conftest import SAMPLE, TODAY, _viewer

MINI = textwrap.dedent("""\
    schema: 1
    organisation:
      id: dgb
      name: Directoraat-Generaal Beleid
    directorates:
      - id: dsk
        name: Directie Strategie en Kennis
        abbreviation: DSK
        axis: integrating
        head: a-aalberts
        reviewed: 2026-10-01
        departments:
          - id: dsk-strategie
            name: Afdeling Strategie
            head: a-aalberts
            reviewed: 2026-10-01
      - id: cio
        name: Chief Information Office
        abbreviation: CIO
        axis: functional
        reviewed: 2026-10-01
      - id: dv
        name: Directie Veiligheid
        abbreviation: DV
        axis: functional
        reviewed: 2026-10-01
    people:
      - id: a-aalberts
        name: "A. Aalberts <script>alert(1)</script>"
        unit: dsk-strategie
        function: Strategisch adviseur
        email: a.aalberts@example.org
        phone: "+31 70 000 0001"
        reviewed: 2026-10-01
      - id: b-bosman
        name: B. Bosman
        unit: cio
        reviewed: 2026-10-01
      - id: c-claassen
        name: C. Claassen
        unit: dv
        reviewed: 2026-10-01
    dossiers:
      - id: cloudstrategie
        title: Cloudstrategie
        keywords: [cloud]
        owner: a-aalberts
        involved: [cio]
        process: strategie-proces
        reviewed: 2026-10-01
      - id: veiligheidsbeleid
        title: Veiligheidsbeleid
        owner: c-claassen
        reviewed: 2026-10-01
    processes:
      - id: strategie-proces
        name: Opstellen strategie
        penvoerder: dsk
        involve: [cio]
    collaborations:
      - id: cloudteam
        name: Projectteam Cloud
        kind: projectteam
        lead: a-aalberts
        members: [a-aalberts, b-bosman]
        dossiers: [cloudstrategie]
        start: 2026-01-01
        evaluations:
          - date: 2026-06-01
            worthwhile: 4
            lessons: ["Vroeg afstemmen met CIO hielp."]
            factors: {urgentie: 5, middelen: 1}
""")


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    path = tmp_path_factory.mktemp("mini") / "tvb.yaml"
    path.write_text(MINI, encoding="utf-8")
    return _viewer(path).test_client()


def _ids(app):
    """One id of each kind from the sample, whatever the sample holds."""
    reg = app.extensions["tvb.snapshots"].current.registry
    return {
        "directorate": reg.directorates[0].id,
        "department": reg.departments[0].id,
        "person": next(iter(reg.people)),
        "dossier": next(iter(reg.dossiers)),
        "process": next(iter(reg.processes)),
        "collaboration": next(iter(reg.collaborations)),
    }


def _pages(app) -> list[str]:
    ids = _ids(app)
    return ["/", "/search?q=cyber", "/suggest?q=cyb", "/organisation", "/integrator",
            "/network", "/network?view=directorates", "/lessons", "/lessons?q=vroeg",
            "/status", "/recent", *(f"/{kind}/{id_}" for kind, id_ in ids.items())]


def _twin(path: str) -> str:
    base, _, query = path.partition("?")
    base = "/index.json" if base == "/" else base + ".json"
    return base + ("?" + query if query else "")


# -- every route and its JSON twin ------------------------------------------------------------
def test_every_page_renders_html_in_dutch_by_default(app, client):
    for path in _pages(app):
        r = client.get(path)
        assert r.status_code == 200, path
        assert r.mimetype == "text/html", path
        html = r.get_data(as_text=True)
        assert '<html lang="nl">' in html, path
        assert '<main id="main"' in html and 'href="#main"' in html, path


def test_every_page_has_a_json_twin_by_suffix_and_by_accept(app, client):
    for path in _pages(app):
        by_suffix = client.get(_twin(path))
        by_accept = client.get(path, headers={"Accept": "application/json"})
        assert by_suffix.status_code == by_accept.status_code == 200, path
        assert by_suffix.mimetype == by_accept.mimetype == "application/json", path
        assert by_suffix.get_json() == by_accept.get_json(), path


def test_integrator_json_is_the_report_contract(app, client):
    report = app.extensions["tvb.snapshots"].current.report
    data = client.get("/integrator.json").get_json()
    # The sample fits on one page: the report, with the per-pair process rows in their
    # compact form (process_gaps) only and the names of what the page shows.
    assert data.pop("pagination")["pages"] == 1
    expected = json.loads(json.dumps(report))
    expected["missing_links"] = [r for r in expected["missing_links"]
                                 if r["kind"] != "process"]
    assert expected["process_gaps"] and data["names"].items() <= expected["names"].items()
    del data["names"], expected["names"]
    # Beside the report: which version the registry and the findings are (issue 18).
    assert data.pop("registry_version") == report["data_version"]
    findings = data.pop("findings")
    assert findings["data_version"] == report["data_version"] and not findings["pending"]
    assert data == expected
    for key in ("data_version", "today", "summary", "betweenness", "brokers", "silos",
                "isolated_dossier_holders", "missing_links", "single_points_of_failure",
                "upkeep", "factors", "integration_matrix"):
        assert key in data
    assert data["today"] == TODAY.isoformat()


def test_entity_json_carries_links_both_ways(mini):
    # The mini register by hand: a-aalberts (DSK) owns cloudstrategie and leads cloudteam
    # with b-bosman (CIO); cloudstrategie involves CIO and follows strategie-proces.
    person = mini.get("/person/a-aalberts.json").get_json()
    assert [d["id"] for d in person["owns"]] == ["cloudstrategie"]
    assert [u["id"] for u in person["head_of"]] == ["dsk", "dsk-strategie"]
    assert person["collaborations"] == [{"id": "cloudteam", "kind": "collaboration",
                                         "label": "Projectteam Cloud",
                                         "url": "/collaboration/cloudteam", "role": "lead",
                                         "ended": False}]
    assert [x["person"]["id"] for x in person["ties"]] == ["b-bosman"]
    dossier = mini.get("/dossier/cloudstrategie.json").get_json()
    assert dossier["owner"]["id"] == "a-aalberts"
    assert dossier["owner"]["email"] == "a.aalberts@example.org"
    assert dossier["penvoerder"]["id"] == "dsk"  # the owner's directorate
    assert [r["id"] for r in dossier["involved_directorates"]] == ["cio", "dsk"]
    assert [r["id"] for r in dossier["collaborations"]] == ["cloudteam"]
    cio = mini.get("/directorate/cio.json").get_json()
    assert [r["id"] for r in cio["dossiers_involving"]] == ["cloudstrategie"]
    assert [r["id"] for r in cio["collaborations"]] == ["cloudteam"]
    assert [r["id"] for r in cio["processes_requiring"]] == ["strategie-proces"]
    # DSK–CIO: 1 person tie (a–b), 1 shared collaboration, 1 dossier = weight 3
    assert cio["directorate_ties"] == [{"directorate": {"id": "dsk", "kind": "directorate",
                                                        "label": "DSK", "url": "/directorate/dsk"},
                                        "weight": 3, "person_ties": 1, "collaborations": 1,
                                        "dossiers": 1}]
    dsk = mini.get("/directorate/dsk.json").get_json()
    assert [r["id"] for r in dsk["dossiers_owned"]] == ["cloudstrategie"]
    assert [r["id"] for r in dsk["dossiers_penvoerder"]] == ["cloudstrategie"]
    assert [r["id"] for r in dsk["processes_penvoerder"]] == ["strategie-proces"]
    assert [p["id"] for p in dsk["people"]] == ["a-aalberts"]
    # DSK × DV has no tie at all: the integration-model gap is listed on both pages.
    assert [f["kind"] for f in dsk["findings"]] == ["integration-model"]
    proc = mini.get("/process/strategie-proces.json").get_json()
    assert [r["id"] for r in proc["dossiers"]] == ["cloudstrategie"]
    dept = mini.get("/department/dsk-strategie.json").get_json()
    assert dept["directorate"]["id"] == "dsk"
    collab = mini.get("/collaboration/cloudteam.json").get_json()
    assert [m["id"] for m in collab["members"]] == ["a-aalberts", "b-bosman"]
    assert [r["id"] for r in collab["represented"]] == ["cio", "dsk"]
    assert collab["evaluations"][0]["factors"] == [
        {"factor": "urgentie", "score": 5, "level": 5},
        {"factor": "middelen", "score": 1, "level": 1}]


def test_pages_link_both_ways_in_html(mini):
    person = mini.get("/person/a-aalberts").get_data(as_text=True)
    assert 'href="/dossier/cloudstrategie"' in person
    assert 'href="/collaboration/cloudteam"' in person
    dossier = mini.get("/dossier/cloudstrategie").get_data(as_text=True)
    assert 'href="/person/a-aalberts"' in dossier
    assert 'href="mailto:a.aalberts@example.org"' in dossier
    assert 'href="tel:+31700000001"' in dossier


def test_names_are_escaped_everywhere(mini):
    for path in ("/person/a-aalberts", "/dossier/cloudstrategie", "/directorate/dsk",
                 "/integrator", "/network", "/?q=aalberts", "/collaboration/cloudteam"):
        html = mini.get(path).get_data(as_text=True)
        assert "<script>alert(1)" not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mini.get("/person/a-aalberts").text


def test_dashboard_shows_every_finding_and_the_matrix(mini):
    html = mini.get("/integrator").get_data(as_text=True)
    # The matrix has functional rows (CIO, DV) × integrating columns (DSK): CIO×DSK = 3,
    # DV×DSK has no tie and is marked as a gap.
    matrix = html[html.index('class="data matrix"'):]
    matrix = matrix[:matrix.index("</table>")]
    # CIO x DSK: cloudteam and cloudstrategie are two working contexts, fewer than 3: weak.
    assert re.search(r'<td class="num tie weak"[^>]*>3<span', matrix)
    assert matrix.count('class="gap"') == 1
    assert matrix.index('href="/directorate/cio"') < matrix.index('href="/directorate/dv"')
    # DV's one person (c-claassen) has no tie and its one dossier involves nobody:
    # reach 0 %, sectoral 100 % -> flagged; E-I is null beside it.
    silos = html[html.index('class="data silos all"'):]
    silos = silos[:silos.index("</table>")]
    assert silos.count('class="flagged"') == 1 and "badge-silo" in silos
    dv = silos[silos.index('href="/directorate/dv"'):]
    assert "0 % <span class=\"muted\">(0/1)</span>" in dv[:dv.index("</tr>")]
    assert "100 % <span class=\"muted\">(1/1)</span>" in dv[:dv.index("</tr>")]
    # The level split, the weak junctions and the profile with its baseline are shown.
    assert 'class="data levels"' in html and 'id="weak-h"' in html
    assert "2021 (Tabel 18)" in html
    # the isolated holder, the single points of failure, the process gap is absent
    # (CIO is involved), upkeep and factors are all on the page
    assert 'href="/person/c-claassen"' in html
    spof = html[html.index('id="spof-h"'):]
    spof = spof[:spof.index("</section>")]
    assert 'href="/person/a-aalberts"' in spof and 'href="/person/b-bosman"' in spof
    assert "\u2068DSK\u2069 (integrerend) en \u2068DV\u2069 (functioneel) delen geen" in html
    assert "lvl-5" in html and "lvl-1" in html


def test_search_shows_owner_and_contact_on_the_first_screen(client, app):
    reg = app.extensions["tvb.snapshots"].current.registry
    data = client.get("/search.json?q=cyberstrategie").get_json()
    top = data["hits"][0]
    assert top["kind"] == "dossier" and top["id"] == "cyberstrategie"
    owner = reg.people[reg.dossiers["cyberstrategie"].owner]
    assert top["owner"]["email"] == owner.email and top["owner"]["url"] == f"/person/{owner.id}"
    html = client.get("/?q=cyberstrategie").get_data(as_text=True)
    first = html[html.index('class="hit hit-dossier"'):][:3000]
    assert owner.name in first and owner.email in first and owner.phone in first


def test_suggest_gives_links_as_you_type(client):
    rows = client.get("/suggest.json?q=cybe").get_json()["suggestions"]
    assert rows and all(r["url"].startswith("/") for r in rows)
    assert {"id", "kind", "label", "hint", "url"} <= set(rows[0])
    assert client.get("/suggest.json?q=").get_json()["suggestions"] == []


@pytest.mark.parametrize("q", ['"', "*", "AND OR NOT", "NEAR(", "((", "🚀🚀", "x" * 10_000,
                               "<script>", "%00", "\u202e"])
def test_search_never_fails_on_odd_input(client, q):
    for path in ("/", "/search.json", "/suggest.json"):
        r = client.get(path, query_string={"q": q})
        assert r.status_code == 200, (path, q)


def test_network_json_has_nodes_edges_and_flags(mini):
    data = mini.get("/network.json").get_json()
    assert {n["id"] for n in data["nodes"]} == {"a-aalberts", "b-bosman", "c-claassen"}
    assert data["edges"] == [{"from": "a-aalberts", "to": "b-bosman", "value": 1}]
    flags = {n["id"]: n["flags"] for n in data["nodes"]}
    assert flags["c-claassen"] == ["isolated"]
    assert "spof" in flags["a-aalberts"] and "broker" not in flags["a-aalberts"]  # betweenness 0
    assert data["physics_off_after_stabilisation"] is False
    dirs = mini.get("/network.json?view=directorates").get_json()
    assert {n["id"] for n in dirs["nodes"]} == {"dsk", "cio", "dv"}
    assert {n["id"]: n["flags"] for n in dirs["nodes"]}["dv"] == ["silo"]
    gaps = [e for e in dirs["edges"] if e.get("gap")]
    assert [(e["from"], e["to"]) for e in gaps] == [("dsk", "dv")]
    # filtered on DV: only DV itself (it has no neighbours)
    only = mini.get("/network.json?directorate=dv").get_json()
    assert [n["id"] for n in only["nodes"]] == ["c-claassen"]


def test_network_filter_keeps_the_directorate_and_its_neighbours(app, client):
    snap = app.extensions["tvb.snapshots"].current
    g = snap.people_network
    focus = "dsk"
    data = client.get(f"/network.json?directorate={focus}").get_json()
    own = {p for p, d in g.nodes(data="directorate") if d == focus}
    expected = own | {q for p in own for q in g.adj[p]}
    assert {n["id"] for n in data["nodes"]} == expected
    assert all(e["from"] in own or e["to"] in own for e in data["edges"])


def test_network_switches_physics_off_for_large_graphs(monkeypatch):
    import graph.views as views

    client = _viewer(SAMPLE).test_client()  # a fresh app: no page cached yet
    assert client.get("/network.json").get_json()["physics_off_after_stabilisation"] is False
    monkeypatch.setattr(views, "PHYSICS_LIMIT", 5)
    client = _viewer(SAMPLE).test_client()
    assert client.get("/network.json").get_json()["physics_off_after_stabilisation"] is True


def test_network_page_uses_local_vis_network(client):
    html = client.get("/network").get_data(as_text=True)
    assert 'src="/static/vendor/vis-network/vis-network.min.js"' in html
    assert 'data-src="/network.json"' in html
    js = client.get("/static/vendor/vis-network/vis-network.min.js")
    assert js.status_code == 200 and b"vis-network" in js.data[:200]


def test_lessons_book_filters_and_scores(mini):
    data = mini.get("/lessons.json").get_json()
    assert [e["collaboration"]["id"] for e in data["evaluations"]] == ["cloudteam"]
    prof = {f["factor"]: f for f in data["factors"]}
    # One evaluation (2026-06-01) scores urgentie 5 and middelen 1.
    assert {k: prof["urgentie"][k] for k in ("median", "spread", "n", "level", "baseline")} \
        == {"median": 5.0, "spread": 0.0, "n": 1, "level": 5, "baseline": 5}
    assert (prof["middelen"]["median"], prof["middelen"]["baseline"]) == (1.0, 1)
    assert prof["steun"]["level"] is None
    assert data["factor_profile"]["factors"] == data["factors"]
    assert mini.get("/lessons.json?q=afstemmen").get_json()["evaluations"]
    assert mini.get("/lessons.json?q=AFSTEMMEN cio").get_json()["evaluations"]
    assert mini.get("/lessons.json?q=nergens").get_json()["evaluations"] == []


@pytest.mark.parametrize("value, level", [(None, None), (1, 1), (1.4, 1), (1.5, 2),
                                          (2.4, 2), (3.0, 3), (4.6, 5), (5, 5)])
def test_factor_level_is_the_five_level_scale(value, level):
    from web.links import factor_level

    assert factor_level(value) == level


def test_id_redirects_to_the_page_of_its_kind(client, app):
    ids = _ids(app)
    for kind, id_ in ids.items():
        r = client.get(f"/id/{id_}")
        assert r.status_code == 303 and r.headers["Location"] == f"/{kind}/{id_}"
    assert client.get("/id/dgb").headers["Location"] == "/organisation"


# -- errors ---------------------------------------------------------------------------------
def _assert_error(r, status):
    assert r.status_code == status
    body = r.get_json()
    assert set(body) == {"ok", "error", "status"}
    assert body["ok"] is False and body["status"] == status and body["error"]


@pytest.mark.parametrize("path", ["/person/nobody", "/dossier/nobody", "/directorate/nobody",
                                  "/department/nobody", "/process/nobody",
                                  "/collaboration/nobody", "/person/dsk", "/directorate/dsk-x",
                                  "/id/nobody", "/organisation/other", "/no/such/page",
                                  "/person/" + "x" * 5000, "/person/a.b"])
def test_unknown_ids_are_404_in_both_shapes(client, path):
    _assert_error(client.get(path, headers={"Accept": "application/json"}), 404)
    r = client.get(path)
    assert r.status_code == 404 and r.mimetype == "text/html"
    assert "Fout 404" in r.get_data(as_text=True)


def test_json_twin_of_an_unknown_id_is_a_json_404(client):
    _assert_error(client.get("/person/nobody.json"), 404)


@pytest.mark.parametrize("path", ["/?limit=abc", "/?limit=0", "/?limit=101", "/?limit=1e3",
                                  "/suggest?limit=-1", "/?lang=fr", "/integrator?lang=",
                                  "/network?view=triangles", "/network?directorate=nobody",
                                  "/sparql?query=ASK{}&format=pdf"])
def test_malformed_parameters_are_400(client, path):
    if path.endswith("lang="):
        assert client.get(path).status_code == 400
        return
    _assert_error(client.get(path, headers={"Accept": "application/json"}), 400)
    assert client.get(path).status_code == 400


def test_no_write_endpoints(client, app):
    for path in _pages(app):
        for method in ("post", "put", "delete", "patch"):
            r = getattr(client, method)(path.split("?")[0])
            assert r.status_code == 405, (method, path)
    _assert_error(client.post("/integrator", headers={"Accept": "application/json"}), 405)


def test_request_body_limit(client):
    r = client.post("/sparql", data="x" * 300_000, content_type="application/sparql-query",
                    headers={"Accept": "application/json"})
    assert r.status_code == 413


# -- headers ----------------------------------------------------------------------------------
def test_security_headers_on_every_response(app, client):
    paths = [*_pages(app), "/integrator.json", "/health", "/static/tvb.css", "/person/nobody",
             "/sparql", "/sparql?query=ASK%7B%7D", "/?lang=fr"]
    for path in paths:
        r = client.get(path)
        csp = r.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert r.headers["Referrer-Policy"] == "no-referrer", path
        assert r.headers["X-Frame-Options"] == "DENY", path
    r = client.post("/integrator")
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_or_style_in_any_page(app, client):
    for path in _pages(app):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


# -- languages --------------------------------------------------------------------------------
def test_english_on_request_and_links_keep_it(client):
    html = client.get("/integrator?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "Integrator dashboard" in html
    assert 'href="/network?lang=en"' in html
    assert 'href="/integrator?lang=nl"' in html  # the switch back
    # Dutch for every reader who has not chosen: the browser's language does not decide
    fresh = client.application.test_client()
    html = fresh.get("/integrator", headers={"Accept-Language": "en-GB,en;q=0.8"}).text
    assert '<html lang="nl">' in html


def test_every_ui_string_exists_in_both_languages():
    from web.i18n import STRINGS

    assert set(STRINGS["nl"]) == set(STRINGS["en"])


def test_every_string_used_in_templates_is_defined():
    from pathlib import Path

    from web.i18n import STRINGS

    used = set()
    for f in (Path(__file__).parent.parent / "web" / "templates").glob("*.html"):
        # whole keys only: a prefix such as t('kind.' ~ x) is completed at run time
        used |= set(re.findall(r"\bt\('([a-z0-9_.-]*[a-z0-9])'", f.read_text()))
    assert used - set(STRINGS["nl"]) == set()


# -- health, status and reloads ---------------------------------------------------------------
def test_response_cache_is_bounded():
    from web.render import ResponseCache

    cache = ResponseCache(max_entries=3, max_bytes=100)
    for i in range(5):
        cache.put((i,), b"x" * 10, "text/html")
    assert len(cache) == 3 and cache.get((0,)) is None and cache.get((4,)) is not None
    cache.put(("big",), b"x" * 60, "text/html")  # over a quarter of the budget: not kept
    assert cache.get(("big",)) is None
    for i in range(5, 12):
        cache.put((i,), b"x" * 20, "text/html")
    assert sum(len(cache.get(k)[0]) for k in [(i,) for i in range(12)] if cache.get(k)) <= 100


def test_health(client, app):
    r = client.get("/health")
    data = r.get_json()
    assert r.status_code == 200 and data["ok"] is True and data["status"] == "ok"
    assert data["data_version"] == app.extensions["tvb.snapshots"].current.data_version
    assert client.get("/health.json").get_json() == data


def test_reload_with_valid_data_goes_live(app_copy):
    app, path = app_copy
    client = app.test_client()
    holder = app.extensions["tvb.snapshots"]
    before = client.get("/health").get_json()["data_version"]
    assert client.get("/integrator.json").get_json()["data_version"] == before  # now cached
    text = path.read_text(encoding="utf-8")
    name = next(iter(holder.current.registry.people.values())).name
    path.write_text(text.replace(f"name: {name}\n", "name: Z. Nieuwenhuis\n", 1),
                    encoding="utf-8")
    assert holder.refresh() is True
    after = client.get("/health").get_json()
    assert after["data_version"] != before and after["status"] == "ok"
    # live first: the registry and search of the new version at once, the findings
    # (whose version the dashboard's data_version is) once the worker has them
    assert client.get("/integrator.json").get_json()["registry_version"] == after["data_version"]
    assert "Z. Nieuwenhuis" in client.get("/search?q=nieuwenhuis").text
    assert holder.wait_for_findings(120)
    # cached pages belong to their version of the data
    assert client.get("/integrator.json").get_json()["data_version"] == after["data_version"]


def test_reload_with_invalid_data_keeps_the_last_good_snapshot(app_copy):
    app, path = app_copy
    client = app.test_client()
    holder = app.extensions["tvb.snapshots"]
    good = client.get("/health").get_json()["data_version"]
    ids = _ids(app)
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\nbogus_key: 1\n", encoding="utf-8")  # an unknown key: E005
    assert holder.refresh() is False
    health = client.get("/health").get_json()
    assert health["data_version"] == good
    assert health["status"] == "degraded" and health["last_reload_failed"] is True
    assert health["errors"] >= 1
    # every page still answers from the good snapshot, with the banner
    for p in ("/", f"/person/{ids['person']}", "/integrator", "/network", "/lessons"):
        r = client.get(p)
        assert r.status_code == 200, p
        assert 'class="banner" role="alert"' in r.text, p
        assert 'href="/status"' in r.text, p
    status = client.get("/status.json").get_json()
    codes = [d["code"] for d in status["last_errors"]]
    assert "E005" in codes
    assert status["last_errors"][0]["file"].endswith("tvb.yaml")
    assert "E005" in client.get("/status").text and "bogus_key" in client.get("/status").text
    # a half-written file (an editor's save) is no better
    cut = text.index("\ndossiers:") + 6  # stops inside a key: "\ndossi"
    path.write_text(text[:cut], encoding="utf-8")
    assert holder.refresh() is False
    assert client.get("/health").get_json()["data_version"] == good
    # fixed again: the banner goes
    path.write_text(text, encoding="utf-8")
    holder.refresh()
    r = client.get("/")
    assert 'class="banner"' not in r.text
    assert client.get("/health").get_json()["status"] == "ok"


def test_start_without_valid_data_serves_503_and_the_diagnostics(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text("schema: 1\npeople: [\n", encoding="utf-8")
    client = _viewer(path).test_client()
    r = client.get("/health")
    assert r.status_code == 503 and r.get_json()["status"] == "unavailable"
    _assert_error(client.get("/integrator.json"), 503)
    r = client.get("/integrator")
    assert r.status_code == 503 and 'class="banner"' in r.text
    status = client.get("/status.json").get_json()
    assert status["last_errors"] and status["last_errors"][0]["code"] == "E001"


def test_watching_picks_up_a_change(tmp_path):
    import time

    path = tmp_path / "tvb.yaml"
    path.write_text(MINI, encoding="utf-8")
    app = _viewer(path, WATCH=True, WATCH_INTERVAL=0.05)
    holder = app.extensions["tvb.snapshots"]
    try:
        before = holder.current.data_version
        path.write_text(MINI.replace("B. Bosman", "B. Bosman-Vries"), encoding="utf-8")
        deadline = time.monotonic() + 10
        while holder.current.data_version == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert holder.current.data_version != before
    finally:
        holder.stop()


def test_config_from_environment(monkeypatch, tmp_path):
    from web import create_app

    path = tmp_path / "tvb.yaml"
    path.write_text(MINI, encoding="utf-8")
    monkeypatch.setenv("TVB_DATA", str(path))
    monkeypatch.setenv("TVB_TODAY", "2026-11-29")
    monkeypatch.setenv("TVB_SPARQL_ENABLED", "false")
    monkeypatch.setenv("TVB_WATCH", "false")
    app = create_app({"TESTING": True})
    assert app.config["SPARQL_ENABLED"] is False
    assert app.extensions["tvb.snapshots"].current.today == TODAY
    _assert_error(app.test_client().get("/sparql.json?query=ASK%7B%7D"), 404)


# -- nothing from outside ---------------------------------------------------------------------
class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("src", "href", "action", "data-src", "data-suggest", "poster",
                        "srcset") and value:
                self.refs.append((tag, name, value))


def _external(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme not in ("", "mailto", "tel") or bool(parts.netloc)


def test_no_external_urls_in_served_html(app, client, mini):
    pages = [*_pages(app), "/sparql", "/person/nobody"]
    for c, path in [(client, p) for p in pages] + [(mini, "/integrator"), (mini, "/network")]:
        parser = _Refs()
        parser.feed(c.get(path).get_data(as_text=True))
        assert parser.refs, path
        bad = [r for r in parser.refs if _external(r[2])]
        assert bad == [], (path, bad)


def test_no_external_urls_in_served_js_and_css(client):
    from pathlib import Path

    static = Path(__file__).parent.parent / "web" / "static"
    for f in static.rglob("*"):
        if f.suffix not in (".js", ".css") or not f.is_file():
            continue
        text = client.get("/static/" + f.relative_to(static).as_posix()).get_data(as_text=True)
        assert "@import" not in text, f
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), f
        if "vendor" not in f.parts:
            assert not re.search(r"https?://", text), f
        else:
            # vis-network names URLs only in its licence header, error texts and the SVG
            # namespace; none of them is ever fetched (the e2e test checks the requests)
            found = set(re.findall(r"https?://[^\s\"')]+", text))
            allowed = {"http://almende.com", "http://opensource.org/licenses/MIT",
                       "http://www.apache.org/licenses/LICENSE-2.0",
                       "http://www.w3.org/2000/svg",
                       "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
                       "https://github.com/visjs", "https://github.com/zloirock/core-js",
                       "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
                       "https://visjs.github.io/vis-network/"}
            assert found <= allowed, (f, found - allowed)
    assert (static / "vendor" / "vis-network" / "LICENSE").is_file()
