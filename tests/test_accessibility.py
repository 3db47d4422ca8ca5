"""WCAG 2.1 AA in headless Chromium: axe-core (from the npm registry, installed into
``tests/node`` by ``.ci/run``) over every page in Dutch and English, and a keyboard-only
walk from the search box to a dossier to its owner's e-mail address with the focus
visible at every step.

axe judges what a machine can judge; the walk covers keyboard use and visible focus. The
statement at ``/toegankelijkheid`` names this file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers import BROWSER_SKIPS

AXE = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = BROWSER_SKIPS


def _routes(app) -> list[str]:
    """Every page once: each kind of entity, the integrator's pages, lessons, SPARQL (the
    form and a result), status, the statement, search with hits, an error page."""
    reg = app.extensions["tvb.snapshots"].current.registry
    first = {kind: sorted(getattr(reg, attr))[0] for kind, attr in [
        ("person", "people"), ("dossier", "dossiers"), ("process", "processes"),
        ("collaboration", "collaborations")]}
    directorate = reg.directorates[0].id
    department = next(u.id for u in reg.units.values() if u.kind == "department")
    return ["/", "/search?q=cyber", "/organisation", f"/directorate/{directorate}",
            f"/department/{department}", *(f"/{k}/{v}" for k, v in first.items()),
            "/integrator", "/network", "/network?view=directorates", "/lessons", "/sparql",
            "/sparql?format=html&query=SELECT+%3Fs+WHERE+%7B%3Fs+%3Fp+%3Fo%7D+LIMIT+3",
            "/status", "/toegankelijkheid", "/no-such-page"]


def axe_violations(page) -> list[str]:
    """axe-core's violations on the page at the four WCAG 2.1 A/AA tags, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                       resultTypes: ['violations']})""", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                        for n in v["nodes"][:5])
            for v in result["violations"]]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_no_axe_violation_on_any_page(browser, server, lang):
    assert AXE.exists(), "axe-core is missing: run `npm install --prefix tests/node` (.ci/run does)"
    base, app = server
    # axe is injected as an inline script, which the viewer's CSP rightly forbids
    ctx = browser.new_context(bypass_csp=True, locale="nl-NL" if lang == "nl" else "en-GB")
    page = ctx.new_page()
    found = {}
    try:
        for route in _routes(app):
            sep = "&" if "?" in route else "?"
            resp = page.goto(f"{base}{route}{sep}lang={lang}")
            assert resp.status < 500, route
            if route.startswith("/network"):
                page.wait_for_selector("#network canvas")  # the drawing is there too
            assert page.locator("html").get_attribute("lang") == lang
            problems = axe_violations(page)
            if problems:
                found[route] = problems
    finally:
        ctx.close()
    assert found == {}, "\n".join(f"{r}: {p}" for r, ps in found.items() for p in ps)


def _focus_visible(page) -> dict:
    """The focused element and whether its focus is drawn (an outline or a box shadow)."""
    return page.evaluate("""() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
        return {tag: el.tagName, href: el.getAttribute('href'), id: el.id,
                visible: outline || (s.boxShadow && s.boxShadow !== 'none'),
                matches: el.matches(':focus-visible')};
    }""")


def _tab_to(page, predicate, limit: int = 80) -> dict:
    """Press Tab until *predicate* holds for the focused element, checking at every step
    that the focus is visible; the element found."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = _focus_visible(page)
        if focus["tag"] != "BODY":
            assert focus["visible"] and focus["matches"], f"focus not visible on {focus}"
        if predicate(focus):
            return focus
    raise AssertionError(f"not reached in {limit} presses of Tab")


def test_keyboard_only_from_the_search_box_to_the_owners_email(browser, server):
    base, app = server
    reg = app.extensions["tvb.snapshots"].current.registry
    dossier = reg.dossiers["cyberstrategie"]
    owner = reg.people[dossier.owner]
    ctx = browser.new_context(locale="nl-NL")
    page = ctx.new_page()
    try:
        page.goto(base + "/")
        # the home page puts the focus in the search box (autofocus)
        assert _focus_visible(page)["id"] == "q"
        page.keyboard.type("cyberstrat", delay=20)
        page.locator("#suggestions li a").first.wait_for()
        page.keyboard.press("ArrowDown")
        assert _focus_visible(page)["href"] == "/dossier/cyberstrategie"
        page.keyboard.press("Enter")
        page.wait_for_url(base + "/dossier/cyberstrategie")
        # on a fresh page the skip link comes first, and it shows when focused
        skip = _tab_to(page, lambda f: f["tag"] == "A")
        assert skip["href"] == "#main" and page.locator("a.skip").is_visible()
        _tab_to(page, lambda f: f["href"] == f"/person/{owner.id}")
        page.keyboard.press("Enter")
        page.wait_for_url(base + f"/person/{owner.id}")
        mail = _tab_to(page, lambda f: (f["href"] or "").startswith("mailto:"))
        assert mail["href"] == f"mailto:{owner.email}"
    finally:
        ctx.close()


def test_the_axe_check_can_fail(browser, server):
    """The harness reports a violation when there is one (an unlabelled field, low
    contrast), so an empty list above means something."""
    base, _ = server
    ctx = browser.new_context(bypass_csp=True)
    page = ctx.new_page()
    try:
        page.goto(base + "/toegankelijkheid")
        page.evaluate("""() => {
            const main = document.querySelector('main');
            main.insertAdjacentHTML('beforeend',
                '<input type="text"><p style="color:#bbb;background:#fff">faint</p>');
        }""")
        ids = {line.split(" ")[0] for line in axe_violations(page)}
        assert {"label", "color-contrast"} <= ids
    finally:
        ctx.close()


def _contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two ``rgb(r, g, b)`` or ``#rrggbb`` colours."""

    def channels(c: str) -> list[float]:
        if c.startswith("#"):
            return [int(c[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        return [int(x) / 255 for x in c[c.index("(") + 1:c.index(")")].split(",")[:3]]

    def luminance(c: str) -> float:
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4 for v in channels(c)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_bars_matrix_and_legend_do_not_rely_on_colour_alone(browser, server):
    """Non-text contrast (WCAG 1.4.11, 3:1) of the dashboard's bars against their track
    and of the legend's marks against the page; and the meaning also in text (1.4.1)."""
    base, _ = server
    ctx = browser.new_context()
    page = ctx.new_page()
    try:
        page.goto(base + "/integrator")
        fill = ("(sel) => { const e = document.querySelector(sel);"
                " return e && getComputedStyle(e).fill; }")
        assert _contrast(page.evaluate(fill, ".sharebar-fg"),
                         page.evaluate(fill, ".sharebar-bg")) >= 3
        bars = page.locator("td:has(svg.sharebar)")
        assert bars.count() > 0
        for i in range(bars.count()):  # each bar has its value beside it in words
            text = bars.nth(i).text_content()  # also in a closed <details>
            assert "%" in text or "—" in text, text
        # an empty or weak junction of the matrix says so in words, not only by its fill
        marked = page.locator("table.matrix td.gap, table.matrix td.weak")
        assert marked.count() > 0
        assert page.locator("table.matrix td.gap .badge, table.matrix td.weak .badge")\
            .count() == marked.count()
        page.goto(base + "/network")
        marks = page.locator(".legend li")
        assert marks.count() > 0
        for i in range(marks.count()):
            item = marks.nth(i)
            assert item.inner_text().strip(), "a legend entry without words"
            colour = item.locator("svg > *").first.evaluate(
                "e => getComputedStyle(e).fill !== 'none' ? getComputedStyle(e).fill"
                " : getComputedStyle(e).stroke")
            assert _contrast(colour, "#ffffff") >= 3, item.inner_text()
    finally:
        ctx.close()
