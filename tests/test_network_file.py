"""``tvb export --format network-html``: one standalone page that draws the people
network offline, highlighted as the viewer highlights it.

The page is opened from its file in headless Chromium (Debian's, through Playwright) with
every request that would leave the file aborted: it must draw every node all the same.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from graph.snapshot import Snapshot
from graph.views import network_view
from registry.validate import load_registry
from render.network import shape_of
from tests.conftest import SAMPLE, TODAY
from tests.test_e2e import ARGS, CHROMIUM, sync_playwright
from tvb.cli import main


@pytest.fixture(scope="module")
def page_file(tmp_path_factory):
    out = tmp_path_factory.mktemp("network") / "netwerk.html"
    result = CliRunner().invoke(main, ["export", "--format", "network-html", "-o", str(out),
                                       "--data", str(SAMPLE), "--today", str(TODAY)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def view():
    res = load_registry(SAMPLE, today=TODAY)
    return network_view(Snapshot(res.registry, res.warnings, TODAY), "people")


def test_the_page_links_nothing_outside_itself(page_file):
    html = page_file.read_text(encoding="utf-8")
    assert "vis.Network" in html and "<title>" in html
    # No script, stylesheet, font or image from elsewhere: every resource is in line.
    assert not re.search(r"<script[^>]*\ssrc\s*=", html, re.I)
    assert not re.search(r"<link\b", html, re.I)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert not re.search(r"url\(\s*[\"']?\s*(?:https?:)?//", html, re.I)
    assert not re.search(r"@import|@font-face", html, re.I)
    assert "default-src 'none'" in html  # and the page's own policy forbids any request


def test_names_from_the_data_are_escaped(tmp_path, write_register):
    data = write_register(
        directorates=["{id: dsk, name: DSK, axis: integrating}"],
        people=[{"id": "p1", "name": "</script><script>alert(1)</script>", "unit": "dsk"}])
    out = tmp_path / "n.html"
    result = CliRunner().invoke(main, ["export", "--format", "network-html", "-o", str(out),
                                       "--data", str(data)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "\\u003c/script\\u003e" in html


def test_stdout_without_output_file():
    result = CliRunner().invoke(main, ["export", "--format", "network-html", "--data",
                                       str(SAMPLE), "--today", str(TODAY)])
    assert result.exit_code == 0
    assert result.output.startswith("<!DOCTYPE html>")


@pytest.mark.skipif(sync_playwright is None or CHROMIUM is None,
                    reason="Playwright and Debian's chromium are needed for the browser test")
def test_the_file_draws_its_nodes_offline(page_file, view):
    url = page_file.resolve().as_uri()
    left: list[str] = []
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1200, "height": 800})

            def block(route):
                if route.request.url == url:
                    route.continue_()
                else:  # anything leaving the file is refused and noted
                    left.append(route.request.url)
                    route.abort()

            ctx.route("**/*", block)
            page = ctx.new_page()
            page.on("console", lambda m: m.type == "error" and problems.append(m.text))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(url)
            page.wait_for_selector('#network[data-drawn="true"]', timeout=60_000)
            drawn = page.evaluate("window.tvbNetwork.body.data.nodes.getIds().length")
            shapes = page.evaluate(
                "Object.fromEntries(window.tvbNetwork.body.data.nodes.get()"
                ".map(n => [n.id, n.shape]))")
            ink = page.evaluate("""() => {
                const c = document.querySelector('#network canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; }
                return n;
            }""")
        finally:
            browser.close()
    assert left == [] and problems == []
    assert drawn == len(view["nodes"]) > 0
    assert ink > 1000  # the canvas holds a drawing, not a blank page
    want = {n["id"]: shape_of(n["flags"]) for n in view["nodes"]}
    assert shapes == want
    # the viewer's highlighting: the sample has brokers and isolated dossier holders
    assert {"star", "triangle"} <= set(shapes.values())
