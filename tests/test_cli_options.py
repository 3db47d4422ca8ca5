"""The loading options are shared: every command that reads the register takes
``--data``, ``--today`` and ``--max-bytes`` and applies them the same way."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.conftest import SAMPLE
from tvb.cli import main

LOADING = [
    ["summary"], ["upkeep"], ["new", "person"], ["export", "--format", "ntriples"],
    ["query", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"], ["search", "cyber"],
    ["report"], ["serve", "--get", "/status.json"],
]


@pytest.mark.parametrize("args", LOADING, ids=lambda a: a[0])
def test_loading_commands_refuse_a_file_over_max_bytes(args):
    result = CliRunner().invoke(main, [*args, "--data", str(SAMPLE), "--today", "2026-11-29",
                                       "--max-bytes", "100"])
    assert result.exit_code in (1, 2), result.output
    assert "over the limit of 0.0 MiB" in result.output


def test_validate_and_diff_take_max_bytes_too():
    runner = CliRunner()
    res = runner.invoke(main, ["validate", str(SAMPLE), "--max-bytes", "100"])
    assert res.exit_code == 2 and "over the limit" in res.output
    res = runner.invoke(main, ["diff", str(SAMPLE), str(SAMPLE), "--max-bytes", "100"])
    assert res.exit_code == 2 and "over the limit" in res.output
    res = runner.invoke(main, ["touch", "--data", str(SAMPLE), "--max-bytes", "100",
                               "--dry-run", "dsk"])
    assert res.exit_code == 2 and "over the limit" in res.output


def test_max_bytes_large_enough_loads():
    result = CliRunner().invoke(main, ["summary", "--data", str(SAMPLE), "--max-bytes",
                                       str(10 * 2**20)])
    assert result.exit_code == 0, result.output
    assert "directorates" in result.output
