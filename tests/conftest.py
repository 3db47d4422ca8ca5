"""Shared fixtures.  Findings are tested on small hand-built registries (see
``register`` and ``make_registry``) whose answers are worked out by hand in each test."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from registry.validate import LoadResult, registry_from_text

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "tvb.yaml"
TODAY = dt.date(2026, 11, 29)


def _flow(value: object) -> str:
    return value if isinstance(value, str) else yaml.safe_dump(
        value, default_flow_style=True, sort_keys=False, allow_unicode=True,
        width=float("inf")).strip()


def register(**sections: object) -> str:
    """The YAML text of a register in format 1: ``schema: 1`` and then each section.

    A list section (``directorates``, ``people`` …) takes its entries as dicts or as
    flow-style text (``"{id: dsk, name: DSK, axis: integrating}"``); ``organisation``
    and ``settings`` take a dict.  Entries are written one per line, in flow style.

    >>> print(register(directorates=[{"id": "dv", "name": "DV", "axis": "functional"}]))
    schema: 1
    directorates:
      - {id: dv, name: DV, axis: functional}
    <BLANKLINE>
    """
    lines = ["schema: 1"]
    for key, value in sections.items():
        if isinstance(value, dict | str):
            lines.append(f"{key}: {_flow(value)}")
        else:
            lines.append(f"{key}:")
            lines.extend(f"  - {_flow(entry)}" for entry in value)
    return "\n".join(lines) + "\n"


def load_text(text: str, today: dt.date = TODAY) -> LoadResult:
    """Check a register written inline in a test (dedented)."""
    return registry_from_text(textwrap.dedent(text), name="test.yaml", today=today)


def make_registry(text: str, today: dt.date = TODAY):
    """A registry from inline YAML that must be free of errors."""
    result = load_text(text, today)
    assert result.ok, "\n".join(map(str, result.errors))
    return result.registry


@pytest.fixture()
def write_register(tmp_path):
    """Write :func:`register` text to a file in the test's folder: call it with the
    sections (and ``name=`` for another file name) and get the path."""
    def write(name: str = "tvb.yaml", **sections: object):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(register(**sections), encoding="utf-8")
        return path
    return write


@pytest.fixture(scope="session")
def sample():
    """The sample register in data/tvb.yaml, checked against a fixed date."""
    from registry.validate import load_registry

    result = load_registry(SAMPLE, today=TODAY)
    assert result.ok, "\n".join(map(str, result.errors))
    return result.registry


# -- the viewer (web/) --------------------------------------------------------------------
def _viewer(data, **extra):
    from web import create_app

    return create_app({"DATA": data, "TODAY": TODAY, "WATCH": False, "TESTING": True, **extra})


@pytest.fixture(scope="session")
def app():
    """The viewer on the sample data (read-only, so one app serves every test)."""
    return _viewer(SAMPLE)


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def app_copy(tmp_path):
    """The viewer on a private copy of the sample, for tests that rewrite the data;
    yields ``(app, path_of_the_copy)``."""
    path = tmp_path / "tvb.yaml"
    path.write_bytes(SAMPLE.read_bytes())
    application = _viewer(path)
    yield application, path
    application.extensions["tvb.snapshots"].stop()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium for a module of browser tests (which skip without one)."""
    from tests.servers import chromium

    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def server():
    """``(base URL, app)``: the viewer on the sample, open mode, served by waitress on
    127.0.0.1 for a module of browser tests."""
    from tests.servers import serve
    from web import create_app

    application = create_app({"DATA": SAMPLE, "TODAY": TODAY, "WATCH": False})
    with serve(application) as base:
        yield base, application
