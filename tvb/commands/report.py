"""``tvb report``: the integrator's report."""

from __future__ import annotations

import datetime as dt
import gc

import click

from tvb.options import (
    HelpCommand,
    as_date,
    exit_process,
    lang,
    load_or_exit,
    loading_options,
    whole_process,
)
from tvb.writing import write_or_exit


@click.command("report", cls=HelpCommand)
@loading_options
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default="json",
              show_default=True, help="json: the public contract; md: a note for the MT "
              "meeting; html: one self-contained page.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write to this file instead of standard output.")
def command(data, today, max_bytes, fmt, output) -> None:
    """The integrator's report: silos, isolated dossier holders, missing cross-directorate
    links, brokers, single points of failure, upkeep and the success-factor profile.

    Exit 1 (with the validation errors) when the register has errors, 2 when it cannot be
    read.
    """
    from registry.gcpause import paused_gc

    day = as_date(today) or dt.date.today()
    # The cyclic collector stays paused for the whole command: the load and the report
    # each pause it, and each time it resumed, its first pass walked every object made
    # meanwhile (2.2 s of CPU at 100,000 people, finding no cycle).
    with paused_gc():
        reg = load_or_exit([data], day, max_bytes).registry
        from graph.analysis import report
        from render.report import render_html, render_json, render_markdown

        data = report(reg, day)
        text = render_json(data) if fmt == "json" else \
            {"md": render_markdown, "html": render_html}[fmt](data, lang())
        if output:
            write_or_exit(output, text)
        else:
            click.echo(text, nl=False)
        # The whole process ends here, without freeing the report and the registry
        # object by object (tvb.options.exit_process); called from Python, they are
        # freed before the collector resumes, and what is left (modules, caches) goes
        # to the oldest generation at once, so that its first pass has none of it to walk.
        if whole_process.get():
            exit_process(0)
        del reg, data, text
        gc.freeze()
        gc.unfreeze()
