"""End to end in headless Chromium: the viewer served by waitress on 127.0.0.1, driven by
Playwright through Debian's ``chromium`` (no browser download).

Each test checks that every request the browser made went to the app itself, that the
console stayed free of errors (a CSP violation would show there), and writes a screenshot
to ``tests/artifacts/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers import ARGS, BROWSER_SKIPS, CHROMIUM, sync_playwright

__all__ = ["ARGS", "CHROMIUM", "sync_playwright"]  # other browser tests import them here

ARTIFACTS = Path(__file__).parent / "artifacts"
pytestmark = BROWSER_SKIPS


@pytest.fixture()
def page(browser, server):
    base, _ = server
    ctx = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    problems: list[str] = []

    def guard(route):
        # Nothing may leave the machine: anything not for the app is refused and noted.
        requests.append(route.request.url)
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            route.abort()

    ctx.route("**/*", guard)
    pg = ctx.new_page()
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.set_default_timeout(20_000)
    yield pg
    ctx.close()
    assert requests, "the browser made no request"
    outside = [u for u in requests if not u.startswith(base + "/")]
    assert outside == [], f"requests that left the app: {outside}"
    assert problems == [], f"console errors: {problems}"


def _shot(pg, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_type_a_topic_and_reach_the_owners_page(page, server):
    base, app = server
    reg = app.extensions["tvb.snapshots"].current.registry
    dossier = reg.dossiers["cyberstrategie"]
    owner = reg.people[dossier.owner]
    page.goto(base + "/")
    assert page.locator("html").get_attribute("lang") == "nl"
    page.locator("#q").press_sequentially("cyberstrat", delay=30)
    first = page.locator("#suggestions li a").first
    first.wait_for()
    assert "Cyberstrategie" in first.inner_text()
    _shot(page, "e2e-search-suggestions")
    # keyboard only: into the list, open the dossier
    page.locator("#q").press("ArrowDown")
    assert page.evaluate("document.activeElement.getAttribute('href')") == \
        "/dossier/cyberstrategie"
    page.keyboard.press("Enter")
    page.wait_for_url(base + "/dossier/cyberstrategie")
    assert page.locator("h1").inner_text() == dossier.title
    owner_link = page.locator("dl.facts dd a", has_text=owner.name).first
    owner_link.click()
    page.wait_for_url(base + f"/person/{owner.id}")
    assert page.locator("h1").inner_text().startswith(owner.name)
    assert owner.email in page.content()
    _shot(page, "e2e-owner-page")


def test_search_results_page_shows_the_owner_first(page, server):
    base, app = server
    page.goto(base + "/?q=cyberstrategie")
    hit = page.locator("li.hit-dossier").first
    assert "Cyberstrategie" in hit.inner_text()
    assert "@example.org" in hit.inner_text()
    _shot(page, "e2e-search-results")


def test_dashboard_shows_the_flagged_findings(page, server):
    base, app = server
    report = app.extensions["tvb.snapshots"].current.report
    page.goto(base + "/integrator")
    assert page.locator("h1").inner_text() == "Integratordashboard"
    flagged = [r["directorate"] for r in report["silos"] if r["flagged"]]
    rows = page.locator("table.silos.all tr.flagged")
    assert rows.count() == len(flagged)
    for i in range(rows.count()):
        assert rows.nth(i).locator(".badge-silo").is_visible()
    gaps = [c for c in report["integration_matrix"]["cells"] if c["weight"] == 0]
    assert page.locator("table.matrix td.gap").count() == len(gaps)
    # the sample was built to show at least one silo or integration-model gap
    assert flagged or gaps
    target = rows.first if flagged else page.locator("table.matrix td.gap").first
    assert target.is_visible()
    # Reach and sectoral share beside E-I, the level split, the weak junctions and the
    # factor profile with its 2021 baseline are on the page.
    headers = page.locator("table.silos.all thead th").all_inner_texts()
    assert headers[:4] == ["Directie", "bereik", "externe banden p.p.", "sectorale dossiers"]
    assert page.locator("table.levels tbody tr").count() == 2
    staff = report["levels"]["staff"]["summary"]
    assert f"({staff['reached']}/{staff['people']})" in page.locator(
        "table.levels tbody tr").nth(1).inner_text()
    assert page.locator("ul.weak-junctions li").count() == len(report["weak_junctions"]) > 0
    page.locator("details#level-staff summary").click()
    assert page.locator("table.silos.level-staff tr.flagged").first.is_visible()
    assert page.locator("table.factors thead th").nth(5).inner_text() == "2021 (Tabel 18)"
    isolated = report["isolated_dossier_holders"]
    for row in isolated:
        assert page.locator(f'#isolated-h ~ ul a[href="/person/{row["person"]}"]').count() == 1
    _shot(page, "e2e-dashboard")


def test_network_view_draws_nodes(page, server):
    base, app = server
    people = len(app.extensions["tvb.snapshots"].current.registry.people)
    page.goto(base + "/network")
    page.wait_for_selector("#network[data-drawn]")
    assert page.locator("#network canvas").count() == 1
    assert int(page.get_attribute("#network", "data-nodes")) == people > 0
    assert page.evaluate("window.tvbNetwork.body.data.nodes.length") == people
    page.wait_for_selector("#network[data-stabilised]", timeout=60_000)
    _shot(page, "e2e-network-people")
    page.select_option("#view", "directorates")
    page.click("form.filters button")
    page.wait_for_selector("#network[data-stabilised]", timeout=60_000)
    n = len(app.extensions["tvb.snapshots"].current.registry.directorates)
    assert int(page.get_attribute("#network", "data-nodes")) == n
    _shot(page, "e2e-network-directorates")


def test_lessons_and_sparql_pages_render(page, server):
    base, _ = server
    page.goto(base + "/lessons")
    # nine factors (seven of ch. 3, two of §5.4), each with its median and the 2021 baseline
    assert page.locator("table.factors td.lvl").count() == 2 * 9
    _shot(page, "e2e-lessons")
    page.goto(base + "/sparql")
    page.click("form.sparql button")
    page.wait_for_selector("#res-h")
    assert page.locator("table.data tbody tr").count() > 0
    _shot(page, "e2e-sparql")
