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
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1, result.output  # one line
    assert "boven de grens van 0.0 MiB (verhoog die met --max-bytes)" in result.output


@pytest.mark.parametrize("args", [*LOADING, ["validate"]], ids=lambda a: a[0])
def test_a_missing_data_file_says_where_to_name_it(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)  # outside the repository: no data/tvb.yaml here
    monkeypatch.delenv("TVB_DATA", raising=False)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith("data/tvb.yaml")
    assert "TVB_DATA" in result.output
    assert ("--data BESTAND|MAP" in result.output) != (args == ["validate"])
    english = CliRunner().invoke(main, ["--lang", "en", *args]).output
    assert "TVB_DATA" in english
    assert ("--data FILE|FOLDER" in english) != (args == ["validate"])


@pytest.mark.parametrize("args", [["summary"], ["validate"], ["report"]], ids=lambda a: a[0])
def test_tvb_data_names_the_register(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TVB_DATA", str(SAMPLE))
    result = CliRunner().invoke(main, [*args, "--today", "2026-11-29"])
    assert result.exit_code == 0, result.output


def test_serve_on_a_busy_port_says_so_in_one_line():
    import socket
    import subprocess
    import sys

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "tvb", "serve", "--data", str(SAMPLE),
                               "--port", str(port), "--no-watch"],
                              capture_output=True, text=True, timeout=120)
        english = subprocess.run([sys.executable, "-m", "tvb", "--lang", "en", "serve",
                                  "--data", str(SAMPLE), "--port", str(port), "--no-watch"],
                                 capture_output=True, text=True, timeout=120)
    assert english.stderr == (f"cannot listen on 127.0.0.1:{port}: address already in use (is "
                              "another server running there? choose another with --port)\n")
    assert proc.returncode == 2
    assert proc.stderr == (f"kan niet luisteren op 127.0.0.1:{port}: adres al in gebruik "
                           "(draait daar al een andere server? kies een andere met --port)\n")


def test_validate_and_diff_take_max_bytes_too():
    runner = CliRunner()
    res = runner.invoke(main, ["validate", str(SAMPLE), "--max-bytes", "100"])
    assert res.exit_code == 2 and "boven de grens" in res.output
    res = runner.invoke(main, ["diff", str(SAMPLE), str(SAMPLE), "--max-bytes", "100"])
    assert res.exit_code == 2 and "boven de grens" in res.output
    res = runner.invoke(main, ["--lang", "en", "touch", "--data", str(SAMPLE), "--max-bytes",
                               "100", "--dry-run", "dsk"])
    assert res.exit_code == 2 and "over the limit" in res.output


def test_max_bytes_large_enough_loads():
    result = CliRunner().invoke(main, ["summary", "--data", str(SAMPLE), "--max-bytes",
                                       str(10 * 2**20)])
    assert result.exit_code == 0, result.output
    assert "directies" in result.output
