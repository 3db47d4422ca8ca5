"""``tvb report`` and the Markdown/HTML renderings of the report."""

from __future__ import annotations

import html
import json
import re
import textwrap

import pytest
from click.testing import CliRunner

from graph.analysis import report
from render.report import render_html, render_markdown
from tests.conftest import SAMPLE, TODAY, make_registry
from tests.test_network import REGISTER
from tvb.cli import main


@pytest.fixture(scope="module")
def small_report():
    return report(make_registry(REGISTER), TODAY)


@pytest.fixture()
def register_file(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(textwrap.dedent(REGISTER), encoding="utf-8")
    return path


def _run(*args):
    return CliRunner().invoke(main, ["report", *args])


def test_report_json_on_a_register(register_file):
    result = _run("--data", str(register_file), "--today", "2026-11-29")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["today"] == "2026-11-29"
    assert {r["person"] for r in data["isolated_dossier_holders"]} == {"h1", "k1"}


def test_report_writes_markdown_and_html_files(register_file, tmp_path):
    md, page = tmp_path / "note.md", tmp_path / "report.html"
    for fmt, out in (("md", md), ("html", page)):
        result = _run("--data", str(register_file), "--today", "2026-11-29",
                      "--format", fmt, "-o", str(out))
        assert result.exit_code == 0, result.output
        assert result.stdout == ""
    note = md.read_text(encoding="utf-8")
    assert note.startswith("# Integratierapport TVB-register — 2026-11-29")
    assert "## Geïsoleerde dossierhouders" in note
    assert "H. Een (HDP): Personeelsbeleid" in note
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_report_on_a_register_with_errors_exits_1(write_register):
    bad = write_register(people=["{id: p1, name: P, unit: nowhere}"])
    result = _run("--data", str(bad))
    assert result.exit_code == 1
    assert "fout[E008]" in result.stderr and "nowhere" in result.stderr
    assert "Traceback" not in result.output
    assert result.stdout == ""


def test_report_on_unreadable_input_exits_2(tmp_path):
    result = _run("--data", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_report_rejects_a_bad_date(register_file):
    result = _run("--data", str(register_file), "--today", "29-11-2026")
    assert result.exit_code == 2


def test_report_on_the_sample():
    result = _run("--data", str(SAMPLE), "--today", "2026-11-29", "--format", "md")
    assert result.exit_code == 0, result.output
    assert "Overlap: mogelijk dubbel werk" in result.stdout  # the viewer's words


# -- rendering ----------------------------------------------------------------------------------
def test_markdown_has_every_section(small_report):
    note = render_markdown(small_report)
    headings = re.findall(r"^## (.+)$", note, flags=re.M)
    assert headings == ["Samenvatting", "Silo's: muren tussen directies",
                        "Per niveau: management en staf", "Integratiemodel",
                        "Zwakke schakels", "Ontbrekende verbindingen",
                        "Wie had betrokken moeten zijn", "Laat betrokken",
                        "Vervanging en capaciteit", "Wiens taak is het?",
                        "Geïsoleerde dossierhouders", "Kwetsbare schakels",
                        "Makelaars", "Onderhoud", "Succesfactoren",
                        "Succesfactoren per jaar"]
    english = re.findall(r"^## (.+)$", render_markdown(small_report, "en"), flags=re.M)
    assert english == ["Summary", "Silos: walls between directorates",
                       "By level: management and staff", "Integration model",
                       "Weak junctions", "Missing links", "Who should have been involved",
                       "Involved late", "Cover and capacity", "Whose task is it?",
                       "Isolated dossier holders", "Single points of failure", "Brokers",
                       "Upkeep", "Success factors", "Success factors by year"]
    # Reach, sectoral share and the expected partners beside E-I, in Dutch notation: DSK
    # is a silo (1 of 3 reach out, 1 of 2 dossiers sectoral), DV is not, though its E-I
    # is -0.5; CIO has nobody and no dossier.
    assert "| DSK | 33 % (1/3) | 0,33 | 50 % (1/2) | HDP, DV, CIO | -0,333 | 2 | 1 | silo |" \
        in note
    assert "| DV | 33 % (1/3) | 0,33 | 0 % (0/1) | DSK | -0,500 | 3 | 1 |  |" in note
    assert "| CIO | — (0/0) | — | — (0/0) | DSK, DOBP | — | 0 | 0 |  |" in note
    # Everyone is staff here (nobody heads a unit): management is empty.
    assert "| Management | 0 | 0 | 0 | — (0/0) | 0 | 0 | — |" in note
    # Staff: ties a1-b1 and b2-v1 cross directorates (4 of 12 reach out); isolated h1, k1.
    assert "| Staf | 12 | 8 | 2 | 33 % (4/12) | 2 | 2 | KAB, DSK |" in note
    # DOBP x DV: c-bridge and the tie b2-v1 (one working context): weak.
    assert "- DOBP × DV: 1 werkcontext (1 persoonsbanden, 1 samenwerkingen, 0 dossiers)" \
        in note
    # The integration matrix: DOBP-DV has one person tie, DSK-HDP no link at all.
    assert "| DSK | geen | geen | geen |" in note
    assert "| DOBP | geen | 1 | geen |" in note
    assert "B. Een (DOBP) verbindt DOBP – DSK" in note


def test_html_and_markdown_show_the_same_findings(small_report):
    note, page = render_markdown(small_report), render_html(small_report)
    page_text = html.unescape(re.sub(r"<[^>]+>", "", page))
    for text in ("Kamerbrieven", "V. Een", "Onderhoud kazerne", "DOBP – DV"):
        assert text in note and text in page_text


def test_html_is_self_contained(small_report):
    page = render_html(small_report)
    assert "<script" not in page
    assert not re.search(r"""(src|href)\s*=|@import|url\(""", page)
    assert "default-src 'none'" in page


def test_names_are_bidi_isolated_in_html():
    rtl = REGISTER.replace("name: H. Een", "name: \"\u202eneE .H\"")
    page = render_html(report(make_registry(rtl), TODAY))
    # The right-to-left override stays inside its <bdi>: the rest of the line is safe.
    assert "<li><bdi>\u202eneE .H</bdi> (<bdi>HDP</bdi>): <bdi>Personeelsbeleid</bdi></li>" \
        in page
    assert "\ue000" not in page and "\ue001" not in page


def test_everything_is_escaped():
    hostile = REGISTER.replace("name: H. Een", "name: \"<script>alert('x')</script> | *H*\"")
    r = report(make_registry(hostile), TODAY)
    page = render_html(r)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    note = render_markdown(r)
    assert "\\<script\\>" in note and "\\| \\*H\\*" in note


def test_json_rendering_round_trips(small_report):
    from render.report import render_json

    text = render_json(small_report)
    assert json.loads(text) == small_report
    # Each finding on its own line.
    assert '\n    {"person": "h1", "directorate": "hdp", "dossiers": ["d-pers"]},\n' in text
