"""One reason text per finding: the analysis (English), the MT note (Dutch) and the viewer
(either language) fill in the same templates of ``graph.reasons``."""

from __future__ import annotations

import html

from graph.analysis import report
from graph.reasons import MISSING_LINK_REASONS, missing_link_reason
from render.report import render_markdown
from tests.conftest import TODAY


def test_templates_have_the_same_kinds_in_every_language():
    assert MISSING_LINK_REASONS["en"].keys() == MISSING_LINK_REASONS["nl"].keys() == {
        "integration-model", "process", "overlap", "process-gap"}


def test_each_kind_worked_out_by_hand():
    names = {"dsk": "DSK", "dmv": "DMV", "a": "Vastgoed", "b": "Vastgoedbeleid",
             "p": "Strategisch beleid", "p1": "P. Een", "p2": "P. Twee"}.get
    gap = {"kind": "integration-model", "directorates": ["dsk", "dmv"], "dossiers": []}
    assert missing_link_reason(gap, names) == (
        "DSK (integrating) and DMV (functional) share no person tie, collaboration or dossier")
    proc = {"kind": "process", "directorates": ["dsk", "dmv"], "dossiers": ["a"],
            "process": "p"}
    assert missing_link_reason(proc, names, "nl") == (
        "'Vastgoed' volgt proces 'Strategisch beleid', dat DMV vereist; DMV is niet betrokken")
    overlap = {"kind": "overlap", "directorates": ["dsk", "dmv"], "dossiers": ["a", "b"],
               "people": ["p1", "p2"], "shared": ["vastgoed", "beleid"]}
    assert missing_link_reason(overlap, names) == (
        "'Vastgoed' (DSK) and 'Vastgoedbeleid' (DMV) share 'vastgoed', 'beleid', but their "
        "owners P. Een and P. Twee are not tied: possible duplicate")
    odd = {"kind": "process", "directorates": [], "dossiers": [], "reason": "as written"}
    assert missing_link_reason(odd, names) == "as written"


def test_analysis_note_and_viewer_say_the_same(sample, client):
    # The sample has process and overlap links; since the DV member of the Werkverband
    # Toekomstige Inrichting (appendix 3 of the study) ties DBE and DV, it has no
    # integration-model gap: the register of tests/test_network.py has two.
    _say_the_same(sample, client, {"process", "overlap"})


def test_integration_model_gaps_say_the_same(tmp_path):
    from tests.conftest import _viewer, make_registry
    from tests.test_network import REGISTER

    (tmp_path / "tvb.yaml").write_text(REGISTER, encoding="utf-8")
    client = _viewer(tmp_path / "tvb.yaml").test_client()
    _say_the_same(make_registry(REGISTER), client, {"integration-model", "process"})


def _say_the_same(reg, client, kinds: set[str]) -> None:
    rep = report(reg, TODAY)
    links = rep["missing_links"]
    assert {r["kind"] for r in links} >= kinds
    name = rep["names"].get
    note = render_markdown(rep).replace("\\", "")  # Markdown escapes, undone
    # The viewer wraps every name in bidi isolates (FSI … PDI); the words are the same.
    def page(url: str) -> str:
        text = html.unescape(client.get(url).get_data(as_text=True))
        return text.replace("\u2068", "").replace("\u2069", "")

    en, nl = page("/integrator?show=all&lang=en"), page("/integrator?show=all&lang=nl")
    for row in links:
        assert row["reason"] == missing_link_reason(row, name, "en")
        dutch = missing_link_reason(row, name, "nl")
        assert dutch in note
        if row["kind"] != "process":  # the viewer shows those one row per dossier
            assert dutch in nl and row["reason"] in en
    for gap in rep["process_gaps"]:
        assert gap["reason"] == missing_link_reason(gap, name, "en")
        assert gap["reason"] in en and missing_link_reason(gap, name, "nl") in nl
