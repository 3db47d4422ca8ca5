"""The viewer keeps each entity's part of a search answer (``web.search._Answers``): kept
parts must give exactly the answer made afresh, and never carry one reader's view to
another (phone numbers, the URL root)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SAMPLE, _viewer

ROLES = {"tvb-lezers": "lezer", "tvb-integratoren": "integrator"}
QUERIES = ["cyber", "gevaarlijke stofen", "vastgoed", "wie gaat over personeel", "DMV",
           "salarissen", "T. Ali-Bleekveld", "zzzqqq", "Kabinet", "beleid"]


@pytest.fixture(scope="module")
def app():
    return _viewer(SAMPLE, PROXY_TRUSTED="127.0.0.1", ROLES=ROLES, HIDE_PHONES=True)


def _as(groups: str) -> dict[str, str]:
    return {"X-Remote-User": "j.jansen", "X-Remote-Groups": groups}


def _search(app, q: str, groups: str, **environ) -> dict:
    resp = app.test_client().get("/index.json", query_string={"q": q},
                                 headers=_as(groups), environ_overrides=environ)
    assert resp.status_code == 200
    return resp.get_json()


def _phones(value) -> list:
    if isinstance(value, dict):
        return [v for k, v in value.items() if k == "phone"] + \
            [p for v in value.values() for p in _phones(v)]
    if isinstance(value, list):
        return [p for v in value for p in _phones(v)]
    return []


def _urls(value) -> list[str]:
    if isinstance(value, dict):
        return ([value["url"]] if value.get("url") else []) + \
            [u for v in value.values() for u in _urls(v)]
    if isinstance(value, list):
        return [u for v in value for u in _urls(v)]
    return []


def test_the_json_answer_is_the_page_data_encoded(app):
    """The JSON twin is assembled from kept parts; it must be the very text that encoding
    the page's data gives, for hits seen before and hits seen for the first time."""
    from web.render import json_text
    from web.search import _json_body, _search_data

    for q in QUERIES * 2:  # the second round reads kept parts only
        for limit in ("20", "3"):
            with app.test_request_context("/index.json", query_string={"q": q, "limit": limit},
                                          headers=_as("tvb-integratoren"),
                                          environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                app.preprocess_request()
                data = _search_data()
                body = _json_body(_search_data(as_json=True))
            assert body == json_text(data), q
            assert json.loads(body)["hits"] == data["hits"]


def test_a_reader_never_gets_the_phone_numbers_another_reader_was_shown(app):
    q = "T. Ali-Bleekveld"
    shown = _search(app, q, "tvb-integratoren")
    assert any(_phones(shown["hits"])), "the sample's person has a phone number"
    hidden = _search(app, q, "tvb-lezers")
    assert _phones(hidden) and not any(_phones(hidden))
    assert _search(app, q, "tvb-integratoren") == shown
    # apart from the phones, both readers get the same answer
    def without_phones(v):
        if isinstance(v, dict):
            return {k: None if k == "phone" else without_phones(x) for k, x in v.items()}
        return [without_phones(x) for x in v] if isinstance(v, list) else v

    assert without_phones(hidden) == without_phones(shown)


def test_the_urls_follow_the_root_the_viewer_is_served_under(app):
    plain = _search(app, "cyber", "tvb-integratoren")
    mounted = _search(app, "cyber", "tvb-integratoren", SCRIPT_NAME="/tvb")
    assert _urls(plain["hits"]) and not any(u.startswith("/tvb/") for u in _urls(plain))
    assert all(u.startswith("/tvb/") for u in _urls(mounted))
    assert [u.removeprefix("/tvb") for u in _urls(mounted)] == _urls(plain)
    assert _search(app, "cyber", "tvb-integratoren") == plain


def test_a_language_asked_for_in_one_url_stays_out_of_the_links_of_another(app):
    """``?lang=en`` is kept on every link of its own answer, and only there: the kept parts
    of one answer must not carry it into the next reader's."""
    english = app.test_client().get("/index.json", query_string={"q": "vastgoed", "lang": "en"},
                                    headers=_as("tvb-integratoren")).get_json()
    assert _urls(english) and all(u.endswith("lang=en") for u in _urls(english))
    plain = _search(app, "vastgoed", "tvb-integratoren")
    assert _urls(plain) and not any("lang=" in u for u in _urls(plain))
    dutch = app.test_client().get("/index.json", query_string={"q": "vastgoed", "lang": "nl"},
                                  headers=_as("tvb-integratoren")).get_json()
    assert all(u.endswith("lang=nl") for u in _urls(dutch))


@pytest.mark.parametrize("bound", [1, 2])
def test_no_more_searches_are_computed_at_once_than_search_concurrency(bound):
    """A search holds the interpreter lock but for its SQL: more of them at once than
    ``SEARCH_CONCURRENCY`` wait their turn."""
    import threading
    import time

    app = _viewer(SAMPLE, SEARCH_CONCURRENCY=bound)
    index = app.extensions["tvb.snapshots"].current.search
    real = index.search
    lock = threading.Lock()
    running, most = [0], [0]
    full = threading.Event()

    def slow(*args, **kwargs):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
            if running[0] == bound:
                full.set()
        try:
            full.wait(5)
            time.sleep(0.1)  # room for a search that should wait to come in meanwhile
            return real(*args, **kwargs)
        finally:
            with lock:
                running[0] -= 1

    index.search = slow
    statuses = []

    def ask(q: str) -> None:
        statuses.append(app.test_client().get("/index.json", query_string={"q": q}).status_code)

    threads = [threading.Thread(target=ask, args=(q,)) for q in QUERIES[:4]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses == [200] * 4
    assert most[0] == bound
