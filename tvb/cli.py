"""The ``tvb`` command: one click group; each verb is a module in :mod:`tvb.commands`.

Heavy modules (rdflib, networkx, Flask) are imported inside the commands that need them,
so that ``tvb validate`` starts fast.  Options shared by the loading commands live in
:mod:`tvb.options`.
"""

from __future__ import annotations

import sys

import click

from render.i18n import DEFAULT_LANGUAGE, LANGUAGES
from tvb.commands import (
    diff,
    export,
    generate,
    import_,
    new,
    publish,
    query,
    report,
    schema,
    search,
    serve,
    summary,
    touch,
    upkeep,
    validate,
)
from tvb.options import HelpGroup, lang, scanned_lang, whole_process


def _scan_lang(args: list[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def _gettext(message: str) -> str:
    from render.i18n import translations

    return translations(lang(), "click").gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    from render.i18n import translations

    return translations(lang(), "click").ngettext(singular, plural, n)


class _Main(HelpGroup):
    """The ``tvb`` group: click's own messages (usage errors, "Error:") in the chosen
    language too, from the ``click`` domain of the catalogue.  Click marks its texts with
    :func:`gettext.gettext`; its modules hold that function as ``_`` (and ``ngettext``),
    which are pointed at the catalogue here.  The help texts come from the catalogue
    (:class:`tvb.options.HelpGroup`)."""

    help_root = True

    def main(self, args=None, *rest, **extra):  # type: ignore[override]
        import click.core
        import click.decorators
        import click.exceptions
        import click.formatting
        import click.parser
        import click.types

        for mod in (click.core, click.decorators, click.exceptions, click.formatting,
                    click.parser, click.types):
            if getattr(mod, "_", None) is not _gettext and hasattr(mod, "_"):
                mod._ = _gettext
            if hasattr(mod, "ngettext"):
                mod.ngettext = _ngettext
        token = scanned_lang.set(_scan_lang(list(sys.argv[1:] if args is None else args)))
        # Arguments from sys.argv: the console script or ``python -m tvb``, the whole process.
        whole = whole_process.set(args is None)
        try:
            return super().main(args, *rest, **extra)
        finally:
            whole_process.reset(whole)
            scanned_lang.reset(token)


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tvb-registry")
@click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE, envvar="TVB_LANG",
              show_default=True, is_eager=True, help="Language of the output (Dutch by default).")
def main(lang: str) -> None:
    """TVB-register: who is who — tasks, responsibilities and authorities as a knowledge graph."""


main.add_command(validate.command)
main.add_command(schema.command)
main.add_command(summary.command)
main.add_command(generate.command)
main.add_command(diff.command)
main.add_command(touch.command)
main.add_command(upkeep.command)
main.add_command(new.command)
main.add_command(export.command)
main.add_command(query.command)
main.add_command(search.command)
main.add_command(serve.command)
main.add_command(report.command)
main.add_command(import_.command)
main.add_command(publish.command)


if __name__ == "__main__":  # pragma: no cover
    main()
