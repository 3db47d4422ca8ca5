"""The validator's diagnostics in the reader's language.

``registry`` cannot know the catalogue (it is a layer below ``render``), so a
:class:`registry.diagnostics.Diagnostic` carries its words as a :class:`Text`: a key, the
English template and the values.  Here the key is looked up in the catalogue of the
chosen language (:mod:`render.i18n`) and the values filled in, a value that is itself a
:class:`Text` (a "did you mean" hint, the kind of an entity) said in the same language.
A diagnostic without a key, or a key missing from the catalogue, keeps its English
message.  Used by the command line (``validate``, ``diff``, every loading command), the
viewer's ``/status`` and ``tvb diff --format md``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from registry.diagnostics import Diagnostic, Text, bounded, printable

from .i18n import DEFAULT_LANGUAGE, LANGUAGES, catalogue, translate

__all__ = ["say", "message", "severity_word", "line", "summary_line", "format_text",
           "format_json", "format_github", "as_dict"]


def say(words: Text, lang: str = DEFAULT_LANGUAGE) -> str:
    """*words* in *lang*: the catalogue's template for its key with its values filled in
    (nested :class:`Text` values too); the English template when the key has none."""
    values = {k: say(v, lang) if isinstance(v, Text) else v for k, v in words.values}
    if not words.key:
        return words.template.format(**values)
    template = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(words.key)
    return (template or words.template).format(**values)


def message(d: Diagnostic, lang: str = DEFAULT_LANGUAGE) -> str:
    """The message of *d* in *lang*: one printable line of bounded length."""
    if d.text is None:
        return d.message
    return bounded(say(d.text, lang))


def severity_word(severity: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """``fout``/``waarschuwing`` (``error``/``warning`` in English)."""
    return translate(f"diag.severity.{severity}", lang)


def line(d: Diagnostic, lang: str = DEFAULT_LANGUAGE) -> str:
    """``FILE:LINE:COL: fout[E008]: …``, the line an editor or CI log shows."""
    return printable(f"{d.loc}: {severity_word(d.severity, lang)}[{d.code}]: "
                     f"{message(d, lang)}")


def summary_line(diagnostics: Sequence[Diagnostic], lang: str = DEFAULT_LANGUAGE) -> str:
    """"2 fouten en 1 waarschuwing gevonden"; a closing line of a capped report counts
    for the findings it stands for."""
    errors = sum(d.hidden or 1 for d in diagnostics if d.severity == "error")
    warnings = sum(d.hidden or 1 for d in diagnostics if d.severity != "error")
    if not diagnostics:
        return translate("diag.summary.none", lang)
    parts = []
    if errors:
        parts.append(translate("diag.summary.errors", lang, n=errors))
    if warnings:
        parts.append(translate("diag.summary.warnings", lang, n=warnings))
    return translate("diag.summary.found", lang,
                     what=translate("diag.summary.and", lang).join(parts))


def format_text(diagnostics: Sequence[Diagnostic], lang: str = DEFAULT_LANGUAGE) -> str:
    """One :func:`line` per diagnostic, then the :func:`summary_line`."""
    return "\n".join([*(line(d, lang) for d in diagnostics), summary_line(diagnostics, lang)])


def as_dict(d: Diagnostic, lang: str = DEFAULT_LANGUAGE) -> dict:
    """The JSON form (keys and severity as :meth:`Diagnostic.as_dict`, an API), with the
    message in *lang*."""
    return {**d.as_dict(), "message": message(d, lang)}


def format_json(diagnostics: Sequence[Diagnostic], lang: str = DEFAULT_LANGUAGE) -> str:
    return json.dumps([as_dict(d, lang) for d in diagnostics], ensure_ascii=False, indent=2)


def _github_escape(text: str, prop: bool = False) -> str:
    # Workflow commands need %, CR and LF escaped; property values also , and :.
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(diagnostics: Sequence[Diagnostic], lang: str = DEFAULT_LANGUAGE) -> str:
    """GitHub Actions workflow annotations (``::error file=…,line=…,col=…::msg``); the
    ``::error``/``::warning`` commands are GitHub's words, the message is in *lang*."""
    return "\n".join(
        f"::{d.severity} file={_github_escape(d.loc.file, True)},line={d.loc.line},"
        f"col={d.loc.column},title={d.code}::{_github_escape(message(d, lang))}"
        for d in diagnostics)
