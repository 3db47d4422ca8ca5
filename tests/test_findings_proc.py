"""The findings computed outside the server (graph/findings_proc.py, issue 18): the child's
result equals the in-process one, the fallback gives the same, the pages built from the
compact forms equal what the networkx graphs and the per-pair rows gave, and a start is
live first with a "no findings yet" state that clears."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import graph.findings_proc as fp
from graph.analysis import report
from graph.findings_proc import Ties, compute, compute_forked
from graph.network import people_network
from graph.snapshot import Snapshot, SnapshotHolder, findings_naming

from .conftest import SAMPLE, TODAY, _viewer, make_registry

ROOT = Path(__file__).resolve().parent.parent

# Two directorates, a process that must involve both, dossiers that lack one: process
# gaps whose per-pair rows are worked out by hand below.
GAPS = """
schema: 1
organisation: {id: org, name: Org}
directorates:
  - {id: dsk, name: Strategie, abbreviation: DSK, axis: integrating, head: a}
  - {id: cio, name: Informatie, abbreviation: CIO, axis: functional, head: b}
  - {id: dv, name: Veiligheid, abbreviation: DV, axis: functional, head: c}
people:
  - {id: a, name: A, unit: dsk}
  - {id: b, name: B, unit: cio}
  - {id: c, name: C, unit: dv}
  - {id: d, name: D, unit: dsk}
processes:
  - {id: strat, name: Strategisch beleid, penvoerder: dsk, involve: all}
dossiers:
  - {id: plan, title: Plan, owner: a, deputy: d, process: strat}
  - {id: visie, title: Visie, owner: b, involved: [dsk], process: strat}
  - {id: los, title: Los, owner: c}
"""


def _edges(g) -> list:
    return sorted((min(a, b), max(a, b), tuple(sorted(e.items()))) for a, b, e in
                  g.edges(data=True))


def _same(a: dict, b: dict) -> None:
    assert a["report"] == b["report"]
    assert a["involvement"] == b["involvement"]
    assert _edges(a["directorate_network"]) == _edges(b["directorate_network"])
    assert a["ties"] == b["ties"]


@pytest.fixture(scope="module")
def sample():
    return make_registry(SAMPLE.read_text(encoding="utf-8"))


def test_the_child_computes_what_the_process_computes(sample):
    _same(compute_forked(sample, TODAY), compute(sample, TODAY))


def test_the_findings_are_computed_in_another_process(sample, monkeypatch):
    """The equality above would hold as well if nothing were forked: the child's own pid
    comes back with its result, although this process runs threads (a server's)."""
    real = fp.compute

    def marked(reg, today):
        return {**real(reg, today), "pid": os.getpid()}

    monkeypatch.setattr(fp, "compute", marked)
    stop = threading.Event()
    threading.Thread(target=stop.wait, daemon=True).start()
    try:
        got = compute_forked(sample, TODAY)
    finally:
        stop.set()
    assert got["pid"] != os.getpid()
    _same(got, real(sample, TODAY))


def test_without_fork_it_computes_in_process(sample, monkeypatch):
    monkeypatch.delattr(os, "fork")
    _same(compute_forked(sample, TODAY), compute(sample, TODAY))


def test_a_child_that_dies_falls_back_to_the_process(sample, monkeypatch):
    calls = []
    real = fp.compute

    def dying(reg, today):
        if os.getpid() != parent:  # in the child: gone without a word, as if killed
            os._exit(9)
        calls.append(reg)
        return real(reg, today)

    parent = os.getpid()
    monkeypatch.setattr(fp, "compute", dying)
    _same(compute_forked(sample, TODAY), real(sample, TODAY))
    assert len(calls) == 1  # the fallback ran here


def test_ties_are_the_people_network(sample):
    g = people_network(sample, TODAY)
    ties = Ties.of(g)
    assert list(ties.edges()) == list(g.edges(data="weight"))
    for p in g:
        assert ties.of_person(p) == [(q, e["weight"]) for q, e in g.adj[p].items()]
        assert ties.degree(p) == g.degree(p)
    assert "nobody" not in ties and ties.of_person("nobody") == [] and ties.degree("x") == 0


def test_the_report_is_the_full_one_without_the_process_rows(sample):
    got = compute(sample, TODAY)["report"]
    full = report(sample, TODAY)
    assert got == {**full, "missing_links": [r for r in full["missing_links"]
                                             if r["kind"] != "process"]}


def test_process_gaps_expand_to_the_rows_of_the_full_report():
    """Every entity's findings are the full report's rows naming it, in its order: the
    dossier ``plan`` (DSK's, lacking CIO and DV) and ``visie`` (CIO's, involving DSK,
    lacking DV) give three process rows."""
    reg = make_registry(GAPS)
    snap = Snapshot(reg, [], TODAY)
    full = report(reg, TODAY)["missing_links"]
    process = [(r["dossiers"][0], r["directorates"][-1]) for r in full
               if r["kind"] == "process"]
    assert process == [("plan", "cio"), ("plan", "dv"), ("visie", "dv")]
    for id in [*reg.people, *reg.units, *reg.dossiers, *reg.processes]:
        want = [r for r in full
                if id in (*r["directorates"], *r["dossiers"], *r["people"])]
        assert findings_naming(snap, id) == want, id
    assert [r["dossiers"] for r in findings_naming(snap, "dv")
            if r["kind"] == "process"] == [["plan"], ["visie"]]
    # CIO: lacking in plan, home of visie; DSK: home of plan (both its rows), involved
    # in visie (not named by its row).
    assert [r["dossiers"] for r in findings_naming(snap, "cio")
            if r["kind"] == "process"] == [["plan"], ["visie"]]
    assert [r["directorates"] for r in findings_naming(snap, "dsk")
            if r["kind"] == "process"] == [["dsk", "cio"], ["dsk", "dv"]]


def _pages(client, reg) -> dict:
    out = {}
    paths = ["/integrator.json", "/integrator?lang=en", "/network.json",
             "/network.json?view=directorates", *[f"/person/{p}.json" for p in reg.people],
             *[f"/directorate/{u.id}.json" for u in reg.directorates],
             *[f"/dossier/{d}.json" for d in reg.dossiers], *[f"/dossier/{d}?lang=nl"
                                                               for d in reg.dossiers]]
    focus = reg.directorates[0].id
    paths.append(f"/network.json?directorate={focus}")
    for path in paths:
        resp = client.get(path)
        assert resp.status_code == 200, path
        out[path] = resp.get_data(as_text=True)
    return out


def _without_times(pages: dict) -> dict:
    """The pages with the build time (the footer, the JSON's findings state) taken out."""
    import re

    return {k: re.sub(r"\d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:+]+", "T", v)
            for k, v in pages.items()}


def test_pages_are_the_same_from_the_child_and_in_process(tmp_path):
    """The viewer whose findings came from the child shows exactly what the one that
    computed them in process shows (the sample register)."""
    forked = _viewer(SAMPLE, CACHE=False)
    local_holder = SnapshotHolder([SAMPLE], TODAY, cache=False)
    local_holder.fork = False
    reg = forked.extensions["tvb.snapshots"].current.registry
    a = _pages(forked.test_client(), reg)
    app = _viewer(SAMPLE, CACHE=False)
    # The same app, its snapshot replaced by one completed in process.
    local_holder.refresh(force=True)
    assert local_holder.wait_for_findings(120)
    app.extensions["tvb.snapshots"].current = local_holder.current
    b = _pages(app.test_client(), reg)
    assert _without_times(a) == _without_times(b)
    forked.extensions["tvb.snapshots"].stop()
    app.extensions["tvb.snapshots"].stop()
    local_holder.stop()


def test_a_dossier_page_with_a_process_gap_lists_each_pair(tmp_path):
    path = tmp_path / "tvb.yaml"
    path.write_text(GAPS, encoding="utf-8")
    app = _viewer(path, CACHE=False)
    client = app.test_client()
    got = client.get("/dossier/plan.json").get_json()["findings"]
    assert [(r["kind"], [d["id"] for d in r["directorates"]]) for r in got
            if r["kind"] == "process"] == [("process", ["dsk", "cio"]),
                                           ("process", ["dsk", "dv"])]
    got = client.get("/directorate/dv.json").get_json()["findings"]  # lacking in both
    assert [[d["id"] for d in r["dossiers"]] for r in got
            if r["kind"] == "process"] == [["plan"], ["visie"]]
    app.extensions["tvb.snapshots"].stop()


def test_a_start_is_live_first_with_no_findings_yet(tmp_path, monkeypatch):
    """Until the first findings are computed the pages say there are none and the
    dashboard's lists are empty, its data_version None; then they appear."""
    path = tmp_path / "tvb.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    release = threading.Event()
    real = fp.compute_forked

    def held(reg, today):
        release.wait(60)
        return real(reg, today)

    monkeypatch.setattr(fp, "compute_forked", held)
    app = _viewer(path, CACHE=False, WAIT_FOR_FINDINGS=False)
    holder = app.extensions["tvb.snapshots"]
    client = app.test_client()
    try:
        snap = holder.current
        assert snap.findings_none and snap.findings_pending and holder.busy
        assert holder.incremental_ready  # the start went through the loader
        got = client.get("/integrator.json").get_json()
        assert got["data_version"] is None and got["findings"]["none"] is True
        assert got["registry_version"] == snap.data_version
        assert got["brokers"] == [] and got["missing_links"] == []
        page = client.get("/integrator?lang=nl").get_data(as_text=True)
        assert "Nog geen bevindingen" in page and "worden bijgewerkt" not in page
        assert "No findings yet" in client.get("/organisation?lang=en").get_data(as_text=True)
        # The entity pages and search work meanwhile.
        assert client.get("/dossier/cyberstrategie.json").status_code == 200
        assert client.get("/index.json?q=cyber").get_json()["hits"]
        release.set()
        assert holder.wait_for_findings(120)
        got = client.get("/integrator.json").get_json()
        assert got["data_version"] == got["registry_version"] == snap.data_version
        assert got["findings"] == {**got["findings"], "none": False, "pending": False}
        assert got["brokers"]
        page = client.get("/integrator?lang=nl").get_data(as_text=True)
        assert "Nog geen bevindingen" not in page
    finally:
        release.set()
        holder.stop()


def test_tvb_serve_answers_before_its_findings_and_then_has_them(tmp_path):
    """A real `tvb serve` on loopback: /health answers, and /integrator.json carries the
    findings once the background child has computed them."""
    import socket

    path = tmp_path / "tvb.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-m", "tvb", "serve", "--data", str(path),
                             "--port", str(port), "--today", TODAY.isoformat()],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env,
                            cwd=ROOT)

    def get(p: str) -> tuple[int, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", p)
            r = conn.getresponse()
            return r.status, json.loads(r.read())
        finally:
            conn.close()

    try:
        end = time.monotonic() + 120
        health = None
        while time.monotonic() < end:
            assert proc.poll() is None, proc.stderr.read()
            try:
                status, body = get("/health")
            except OSError:
                time.sleep(0.1)
                continue
            if status == 200:
                health = body
                break
        assert health is not None
        while time.monotonic() < end:
            status, body = get("/integrator.json")
            assert status == 200
            if body["data_version"] is not None:
                break
            assert body["findings"]["none"] is True
            time.sleep(0.1)
        assert body["data_version"] == body["registry_version"]
        assert body["findings"]["none"] is False and body["brokers"]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_findings_that_fail_are_reported_and_the_pages_stay_up(tmp_path, monkeypatch):
    """A failure in the background (here: the findings raise) leaves the "no findings yet"
    state online, says so on /health, and waiting for the findings ends."""
    path = tmp_path / "tvb.yaml"
    path.write_bytes(SAMPLE.read_bytes())

    def broken(reg, today):
        raise MemoryError

    monkeypatch.setattr(fp, "compute_forked", broken)
    app = _viewer(path, CACHE=False)  # waits for the findings: returns once they failed
    holder = app.extensions["tvb.snapshots"]
    client = app.test_client()
    try:
        assert holder.wait_for_findings(5) is False
        health = client.get("/health").get_json()
        assert health["findings_error"] == "MemoryError" and health["findings_pending"]
        assert client.get("/integrator.json").get_json()["findings"]["none"] is True
        assert client.get("/dossier/cyberstrategie.json").status_code == 200
    finally:
        holder.stop()
