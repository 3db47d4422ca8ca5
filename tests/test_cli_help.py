"""``--help`` in the chosen language: every command's text and every option's help come
from the catalogue (``help.<command path>[.<--option>]``), Dutch by default, English with
``--lang en`` or ``TVB_LANG=en`` (issue 17).  The commands are enumerated from
``tvb.cli.main``, so a new command without catalogue entries fails here."""

from __future__ import annotations

import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from render.i18n import LANGUAGES, catalogue
from tvb.cli import main
from tvb.options import CatalogueHelp

ROOT = Path(__file__).resolve().parent.parent
#: ``tvb --lang en [COMMAND …] --help`` of every command as it was before the help moved
#: into the catalogue (captured from main at 6788c12, width 80): English must not change.
ENGLISH_BEFORE = Path(__file__).parent / "help" / "en.txt"


def _commands(cmd: click.Command = main, path: tuple[str, ...] = ()
              ) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command of ``tvb`` (the group itself, groups and their subcommands)."""
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, (*path, name))


COMMANDS = list(_commands())
IDS = [" ".join(path) or "tvb" for path, _ in COMMANDS]


def _key(path: tuple[str, ...]) -> str:
    return "help." + (".".join(path) or "tvb")


def _option_name(option: click.Option) -> str:
    return next((o for o in option.opts if o.startswith("--")), option.opts[0])


def _sources() -> dict[str, str]:
    """Every help key with its English source: the docstring (as click shows it, a line
    ``\\b`` for click's no-rewrap mark) or the option's ``help=``."""
    out = {"help.--help": "Show this message and exit."}
    for path, cmd in COMMANDS:
        text = inspect.cleandoc(cmd.help or "").partition("\f")[0]
        out[_key(path)] = "\n".join("\\b" if line == "\b" else line for line in text.split("\n"))
        for param in cmd.params:
            if isinstance(param, click.Option) and param.help:
                out[f"{_key(path)}.{_option_name(param)}"] = param.help
    return out


def missing_help_keys(words: dict[str, str]) -> list[str]:
    """The help keys of the commands that *words* (a catalogue) lacks or leaves empty."""
    return sorted(k for k in _sources() if not words.get(k))


def _help(path: tuple[str, ...], *lang: str, env: dict | None = None) -> str:
    result = CliRunner().invoke(main, [*lang, *path, "--help"], prog_name="tvb",
                                terminal_width=80, env={"TVB_LANG": None, **(env or {})})
    assert result.exit_code == 0, result.output
    return result.output


# -- the catalogue --------------------------------------------------------------------------------
def test_there_is_help_to_translate():
    # the tvb group, 15 commands, the import group's two subcommands, their options
    assert len(COMMANDS) >= 18 and len(_sources()) >= 100
    assert all(isinstance(cmd, CatalogueHelp) for _, cmd in COMMANDS)
    assert {_key(p) for p, c in COMMANDS} == {c.help_key() for _, c in COMMANDS}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_command_and_option_has_help_in_both_catalogues(lang):
    assert missing_help_keys(catalogue(lang)) == []


@pytest.mark.parametrize("removed", ["help.validate", "help.import.sheet",
                                     "help.tvb.--lang", "help.export.--format", "help.--help"])
def test_the_check_fails_on_a_catalogue_with_a_key_removed(removed):
    words = {k: v for k, v in catalogue("nl").items() if k != removed}
    assert missing_help_keys(words) == [removed]


def test_the_english_catalogue_holds_the_texts_in_the_code():
    english = catalogue("en")
    differ = [k for k, source in _sources().items() if english.get(k) != source]
    assert differ == []


#: What the Dutch text must keep as it is: option names, environment variables, file
#: names, URLs and the metavars of the usage line.
_LITERAL = re.compile(r"(?<![\w-])(?:--[a-z][a-z-]*|-[a-z](?![\w-]))|\$?TVB_[A-Z_*()]+|\$\w+"
                      r"|[\w./-]+\.(?:yaml|xml|json|zip)|https?://\S+"
                      r"|\b(?:FILE|PATH|URL|ROOT|OLD|NEW|BASE|HEAD)\b")
#: Placeholders that are prose, translated on purpose: FILE:LINE:COL (validate's line
#: pattern, BESTAND:REGEL:KOLOM) and "-o NEW" (a new file, "-o NIEUW").
_TRANSLATED = {"help.validate": {"FILE"}, "help.import.roo": {"NEW"}}


@pytest.mark.parametrize("key", sorted(_sources()))
def test_the_dutch_text_keeps_the_code_literals(key):
    english = set(_LITERAL.findall(catalogue("en")[key])) - _TRANSLATED.get(key, set())
    assert set(_LITERAL.findall(catalogue("nl")[key])) == english, key


# -- what --help shows ----------------------------------------------------------------------------
#: Words of the English help (before issue 17) that the Dutch help must not show.  Code
#: literals that the Dutch keeps (FILE, "--map", the CSV table names) are not in it.
ENGLISH_WORDS = ["Usage", "Options", "Commands", "Show", "Print", "the register", "file",
                 "files", "Write", "instead of", "default", "env var", "required", "Refuse",
                 "Date to judge", "standard output", "folder", "directorate", "findings",
                 "without", "when", "Exit", "Register file", "Check", "Serve", "Read",
                 "Publish", "Import", "Export", "Generate", "Number of", "Seconds", "Skip",
                 "Fail", "warnings", "errors", "Who owns", "List", "Re-confirm",
                 "this message", "and exit", "Language of the output"]
#: Words of the Dutch help that the English must not show ("Register van
#: Overheidsorganisaties" and "Bedoelde u" are quoted in the English too).
DUTCH_WORDS = ["Gebruik", "Opties", "Commando's", "Toon", "standaard", "omgevingsvariabele",
               "verplicht", "bestand", "bestanden", "mappen", "directie", "samenwerking",
               "bevindingen", "zonder", "Afsluitcode", "Schrijf", "in plaats van", "Datum",
               "vandaag", "Weiger", "Lees", "personen", "dossierhouder", "penvoerder",
               "Makelaars", "Kwetsbare schakels", "deze hulp", "en stop", "Taal van"]


def _found(text: str, words: list[str]) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", text)]


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=IDS)
def test_help_is_dutch_by_default_and_english_on_request(path):
    dutch = _help(path)
    assert dutch.startswith("Gebruik:") and "Opties:" in dutch
    assert _found(dutch, ENGLISH_WORDS) == []
    english = _help(path, "--lang", "en")
    assert english.startswith("Usage:") and "Options:" in english
    assert _found(english, DUTCH_WORDS) == []


def test_english_help_is_the_text_of_before():
    shown = "".join(f"=== tvb {' '.join(path)}\n{_help(path, '--lang', 'en')}"
                    for path, _ in _commands_in_capture_order())
    assert shown == ENGLISH_BEFORE.read_text(encoding="utf-8")


def _commands_in_capture_order() -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """The commands in registration order (the order the capture was made in)."""
    def walk(cmd, path):
        yield path, cmd
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                yield from walk(sub, (*path, name))
    return walk(main, ())


def test_the_language_is_known_before_help_is_printed():
    english = _help(("validate",), env={"TVB_LANG": "en"})
    assert english.startswith("Usage:") and "Check register files" in english
    assert _help((), "--lang", "en") == _help((), env={"TVB_LANG": "en"})
    # --help before --lang: the language is still English
    after = CliRunner().invoke(main, ["--help", "--lang", "en"], prog_name="tvb",
                               terminal_width=80, env={"TVB_LANG": None})
    assert after.output == _help((), "--lang", "en")
    # --lang overrides TVB_LANG, both ways
    assert _help(("touch",), "--lang", "nl", env={"TVB_LANG": "en"}) == _help(("touch",))


def test_the_command_lists_show_dutch_summaries():
    listing = _help(())
    assert "validate  Controleer registerbestanden of -mappen" in listing
    assert "Check register files" not in listing
    group = _help(("import",))
    assert "sheet  Lees personen (en dossiers) uit FILE" in group
    assert "Read people" not in group


def test_no_rewrap_blocks_stay_as_written_in_dutch():
    text = _help(("diff",))
    assert "  tvb diff --git origin/main        de basistak tegenover de werkmap\n" in text
    assert "\\b" not in text and "\b" not in text


def test_a_command_outside_the_tvb_tree_shows_its_source_text():
    from tvb.commands.validate import command
    from tvb.options import HelpCommand

    standalone = HelpCommand("validate", params=command.params, help=command.help)
    assert standalone.help_key() is None
    result = CliRunner().invoke(standalone, ["--help"], env={"TVB_LANG": None})
    assert "Check register files or folders" in result.output


@pytest.mark.parametrize("lang, expected", [("en", "Usage:"), ("nl", "Gebruik:")])
def test_the_installed_command_follows_tvb_lang(lang, expected):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TVB_LANG": lang}
    done = subprocess.run([sys.executable, "-m", "tvb", "import", "roo", "--help"], env=env,
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0 and done.stdout.startswith(expected), done.stderr
