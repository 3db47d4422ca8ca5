"""`tvb upkeep`: what to re-confirm, grouped by who should confirm it."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from registry.reconfirm import confirmer_of, group_tasks, upkeep_tasks
from tests.conftest import TODAY, make_registry
from tvb.cli import main


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """These tests read the commands' English words (``tvb --lang en``, as ``TVB_LANG``);
    Dutch, the default, is walked in ``tests/test_i18n.py``."""
    monkeypatch.setenv("TVB_LANG", "en")


REGISTER = """\
schema: 1
settings: {stale_after_days: 180}
directorates:
  - id: dsk
    name: Directie Strategie en Kennis
    abbreviation: DSK
    axis: integrating
    head: e-hoofd
    reviewed: 2026-10-01
    departments:
      - id: dsk-a
        name: Afdeling A
        head: c-chef
        reviewed: 2025-01-01
  - id: dv
    name: Directie Veiligheid
    abbreviation: DV
    axis: functional
people:
  - {id: e-hoofd, name: E. Hoofd, unit: dsk, email: e.hoofd@example.org, reviewed: 2026-10-01}
  - {id: c-chef, name: C. Chef, unit: dsk-a, reviewed: 2026-10-01}
  - {id: p-oud, name: P. Oud, unit: dsk-a, email: p.oud@example.org, reviewed: 2026-01-01}
  - {id: p-nooit, name: P. Nooit, unit: dv}
  - {id: q-formule, name: '=HYPERLINK("https://example.org")', unit: dv,
     email: "@q.formule@example.org"}
dossiers:
  - {id: d-oud, title: Oud dossier, owner: p-oud, reviewed: 2025-12-01}
  - {id: d-zonder, title: Dossier zonder eigenaar, penvoerder: dsk, reviewed: 2026-10-01}
  - {id: d-dicht, title: Gesloten dossier, owner: p-oud, status: closed, reviewed: 2020-01-01}
collaborations:
  - {id: c-lang, name: Lang verband, kind: werkverband, lead: c-chef, members: [c-chef, p-oud],
     start: 2024-01-01, reviewed: 2026-10-01}
"""

# By hand, on 2026-11-29 with stale_after_days 180:
#   dsk-a       reviewed 2025-01-01, 697 days ago -> its head c-chef re-confirms
#   dv          never reviewed, no head           -> nobody in the register
#   p-oud       reviewed 2026-01-01, 332 days ago -> p-oud
#   p-nooit     never reviewed                    -> p-nooit
#   q-formule   never reviewed                    -> q-formule
#   d-oud       reviewed 2025-12-01, 363 days ago -> its owner p-oud
#   d-dicht     closed: never asked
#   d-zonder    no owner                          -> head of the penvoerder DSK, e-hoofd
#   c-lang      running since 2024-01-01, never evaluated -> its lead c-chef


def test_who_confirms_what():
    reg = make_registry(REGISTER)
    assert confirmer_of(reg, "p-nooit") == "p-nooit"
    assert confirmer_of(reg, "d-oud") == "p-oud"
    assert confirmer_of(reg, "dsk-a") == "c-chef"
    assert confirmer_of(reg, "dsk") == "e-hoofd"
    assert confirmer_of(reg, "dv") is None
    assert confirmer_of(reg, "c-lang") == "c-chef"
    # an ownerless dossier falls to the head of its penvoerder
    assert confirmer_of(reg, "d-zonder") == "e-hoofd"


def test_grouped_by_owner():
    reg = make_registry(REGISTER)
    groups = group_tasks(reg, upkeep_tasks(reg, TODAY), "owner")
    got = [(key, [(t.action, t.entry, t.age_days) for t in ts]) for key, ts in groups]
    assert got == [
        # sorted by name: '=HYPERLINK…' < 'C. Chef' < 'E. Hoofd' < 'P. Nooit' < 'P. Oud'
        ("q-formule", [("re-confirm", "q-formule", None)]),
        ("c-chef", [("re-confirm", "dsk-a", 697), ("evaluate", "c-lang", None)]),
        ("e-hoofd", [("assign an owner", "d-zonder", None)]),
        ("p-nooit", [("re-confirm", "p-nooit", None)]),
        ("p-oud", [("re-confirm", "p-oud", 332), ("re-confirm", "d-oud", 363)]),
        ("", [("re-confirm", "dv", None)]),  # nobody to ask comes last
    ]


def test_grouped_by_unit():
    reg = make_registry(REGISTER)
    groups = group_tasks(reg, upkeep_tasks(reg, TODAY), "unit")
    got = [(key, [t.entry for t in ts]) for key, ts in groups]
    # c-chef, e-hoofd and p-oud work in DSK; p-nooit and q-formule in DV; dv itself has
    # nobody to ask and is filed under its own directorate
    assert got == [("dsk", ["dsk-a", "p-oud", "d-oud", "d-zonder", "c-lang"]),
                   ("dv", ["dv", "p-nooit", "q-formule"])]


def _run(tmp_path, *args):
    path = tmp_path / "tvb.yaml"
    path.write_text(REGISTER, encoding="utf-8")
    return path, CliRunner().invoke(main, ["upkeep", "--data", str(path),
                                           "--today", "2026-11-29", *args])


def test_cli_text(tmp_path):
    path, res = _run(tmp_path)
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert "P. Oud (p-oud, p.oud@example.org, DSK)" in lines
    assert f"  → after checking: tvb touch --data {path} p-oud d-oud" in lines
    assert lines[-1] == "8 items in 6 groups"
    assert "Nobody in the register to ask (assign someone)" in lines


def test_cli_markdown(tmp_path):
    _, res = _run(tmp_path, "--format", "md", "--by", "unit")
    assert res.exit_code == 0, res.output
    assert res.output.startswith("## Upkeep of the register (2026-11-29)\n")
    assert "### DSK (dsk)" in res.output
    assert "| re-confirm | department | `dsk-a` | 2025-01-01 (697 days ago) |" in res.output
    assert "| evaluate | collaboration | `c-lang` | never evaluated |" in res.output


def test_cli_csv_neutralises_formulas(tmp_path):
    _, res = _run(tmp_path, "--format", "csv")
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert len(rows) == 8
    q = next(r for r in rows if r["entry"] == "q-formule")
    # a spreadsheet would run =HYPERLINK(...) and @...: both are made plain text
    assert q["confirmer_name"] == "'=HYPERLINK(\"https://example.org\")"
    assert q["email"] == "'@q.formule@example.org"
    oud = next(r for r in rows if r["entry"] == "d-oud")
    assert (oud["confirmer"], oud["action"], oud["reviewed"], oud["age_days"]) == (
        "p-oud", "re-confirm", "2025-12-01", "363")
    assert not any(v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_cli_nothing_to_do(write_register):
    path = write_register(directorates=["{id: dv, name: DV, axis: functional, "
                                       "reviewed: 2026-11-01}"])
    res = CliRunner().invoke(main, ["upkeep", "--data", str(path), "--today", "2026-11-29"])
    assert res.exit_code == 0
    assert res.output == "Nothing to re-confirm: every entry is up to date.\n"
    res = CliRunner().invoke(main, ["upkeep", "--data", str(path), "--by", "team"])
    assert res.exit_code == 2
