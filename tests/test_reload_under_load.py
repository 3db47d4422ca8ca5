"""Reload under load: zero 5xx, every answer from one snapshot, the last good snapshot
online while the data is bad.

The load itself is :mod:`benchmarks.load_bench` (waitress on 127.0.0.1, a few client
threads, a writer rewriting the data file with valid, invalid, half-written and truncated
versions), run here for about five seconds; ``python -m benchmarks.load_bench`` is the
long run.  The other tests pin down what the load test relies on.
"""

from __future__ import annotations

import html
import re

import pytest

from benchmarks.load_bench import SAMPLE, TODAY, run, versions
from registry.validate import registry_from_text


@pytest.fixture(scope="module")
def texts():
    return versions(SAMPLE.read_text(encoding="utf-8"))


def test_versions_tell_themselves_apart(texts):
    valid, invalid = texts
    assert len({v.data_version for v in valid}) == len(valid)
    assert len({v.people for v in valid}) == len(valid)  # the count names the version
    assert len({v.org_name for v in valid + invalid}) == len(valid + invalid)


def test_no_prefix_of_a_valid_version_is_valid(texts):
    """``schema: 1`` comes last, without a line break: a half-written file (an editor's
    save caught midway) can never pass for a version of its own."""
    raw = texts[0][0].raw.decode("utf-8")
    for cut in (len(raw) // 3, len(raw) // 2, len(raw) - 12, len(raw) - 2, len(raw) - 1):
        result = registry_from_text(raw[:cut], today=TODAY)
        assert not result.ok, cut


@pytest.mark.load
def test_reload_under_load():
    result = run(duration=5.0, clients=4, threads=6, max_requests=50_000)
    s = result.summary()
    assert s["server_errors"] == 0, s
    assert s["connection_errors"] == 0, s
    assert s["inconsistent"] == 0, s
    assert s["problems"] == [], s
    # every way of writing happened, valid versions went live, bad ones were caught
    assert set(s["writes"]) == {"plain", "editor save", "truncated", "atomic replace"}, s
    assert s["versions_live"] >= 4 and s["last_good_checks"] >= 2, s
    assert s["requests"] > 100 and s["statuses"].get(200, 0) > 0, s


class _Swapping:
    """A snapshot holder whose current snapshot changes after the request has taken its
    own: the worst moment for a reload."""

    def __init__(self, holder, first, then):
        self._holder, self._order = holder, [first, then]
        self.errors, self.paths, self.loaded_at = [], holder.paths, holder.loaded_at

    @property
    def current(self):
        return self._order.pop(0) if len(self._order) > 1 else self._order[0]


def test_a_page_never_mixes_two_snapshots(app_copy):
    """The content and the footer's data version of one page come from one snapshot,
    even when a reload lands while the page is being rendered."""
    app, path = app_copy
    holder = app.extensions["tvb.snapshots"]
    old = holder.current
    text = path.read_text(encoding="utf-8")
    a, b = re.search(r"\norganisation:\n(?:  .*\n)*?  name: (.*)\n", text).span(1)
    path.write_text(text[:a] + "Directoraat-Generaal Beleid (nieuw)" + text[b:],
                    encoding="utf-8")
    assert holder.refresh() is True
    new = holder.current
    app.extensions["tvb.snapshots"] = _Swapping(holder, old, new)
    try:
        body = app.test_client().get("/organisation").get_data(as_text=True)
    finally:
        app.extensions["tvb.snapshots"] = holder
    name = html.unescape(re.search(r"<h1>(.*?)</h1>", body).group(1))
    footer = re.search(r"<footer.*?<code>([0-9a-f]{12})</code>", body, re.S).group(1)
    assert name == old.registry.organisation.name
    assert footer == old.data_version[:12], "content of one snapshot, footer of another"
