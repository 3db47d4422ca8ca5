"""The ``tvb`` command: one click group; each verb is a module in :mod:`tvb.commands`.

Heavy modules (rdflib, networkx, Flask) are imported inside the commands that need them,
so that ``tvb validate`` starts fast.  Options shared by the loading commands live in
:mod:`tvb.options`.
"""

from __future__ import annotations

import click

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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tvb-registry")
def main() -> None:
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
