"""The integrator's report as Markdown (an MT meeting note) and as one self-contained HTML
page, from the dict of :func:`graph.analysis.report`.

Both renderers walk the same list of sections, so they always show the same content.
Every piece of text from the data is escaped: ``html.escape`` for HTML, backslashes
for Markdown's special characters.  In HTML each name from the data is also wrapped in
``<bdi>``, so that a right-to-left override in a name cannot reverse the text after it.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field

__all__ = ["render_json", "render_markdown", "render_html", "Section", "Table", "Flag"]

_KIND_NL = {"integration-model": "Integratiemodel", "process": "Proces",
            "overlap": "Overlap (mogelijk dubbel werk)"}
_STALE_KIND_NL = {"directorate": "directie", "department": "afdeling", "person": "persoon",
                  "dossier": "dossier", "process": "proces", "collaboration": "samenwerking"}


class Flag(str):
    """A table cell that signals a finding (shown in red in HTML)."""


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Section:
    title: str
    intro: str = ""
    table: Table | None = None
    items: list[str] = field(default_factory=list)
    empty: str = "Geen bevindingen."


def _num(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}".replace(".", ",")


# Names from the data are marked with two private-use characters (removed from the data
# first), which the HTML renderer turns into <bdi> and </bdi> and Markdown drops.
_OPEN, _CLOSE = "\ue000", "\ue001"
_MARKS = str.maketrans("", "", _OPEN + _CLOSE)


def _sections(report: dict, *, brokers: int = 10) -> list[Section]:
    """The report as titled sections of plain text, tables and lists (Dutch)."""
    names: dict[str, str] = report.get("names", {})

    def name(id_: str | None) -> str:
        if not id_:
            return "—"
        return _OPEN + str(names.get(id_, id_)).translate(_MARKS) + _CLOSE

    def who(pid: str, did: str | None) -> str:
        return f"{name(pid)} ({name(did)})" if did else name(pid)

    s = report["summary"]
    out = [Section(
        "Samenvatting",
        intro=(f"Stand van {report['today']}, gegevensversie {report['data_version'][:12]}."),
        table=Table(["directies", "afdelingen", "personen", "dossiers", "samenwerkingen"],
                    [[str(s["directorates"]), str(s["departments"]), str(s["people"]),
                      str(s["dossiers"]), str(s["collaborations"])]]))]

    st = report.get("settings", {})
    flagged = [r for r in report["silos"] if r["flagged"]]

    def pct(x: float | None) -> str:
        return "—" if x is None else f"{100 * x:.0f} %"

    def silo_table(rows: list[dict]) -> Table:
        return Table(["directie", "bereik", "ext. banden p.p.", "sectoraal",
                      "verwacht, geen band", "E-I", "intern", "extern", "signaal"],
                     [[name(r["directorate"]),
                       f"{pct(r['reach'])} ({r['reached']}/{r['people']})",
                       _num(r["external_per_person"], 2),
                       f"{pct(r['sectoral_share'])} ({len(r['sectoral_dossiers'])}/"
                       f"{r['active_dossiers']})",
                       ", ".join(map(name, r["expected_missing"])) or "—",
                       _num(r["ei_index"]), str(r["internal_ties"]),
                       str(r["external_ties"]), Flag("silo") if r["flagged"] else ""]
                      for r in rows])

    out.append(Section(
        "Silo's (muren tussen directies)",
        intro=(f"{len(flagged)} van {len(report['silos'])} directies gesignaleerd. Een muur "
               "is sectoraal beleid: beleid dat past binnen één beleidsterrein en waar niet "
               "grensoverschrijdend gewerkt wordt (§2.5). Silo: minder dan "
               f"{pct(st.get('silo_reach_threshold', 0.5))} van de mensen heeft een "
               "actuele band met een andere directie (bereik) én minstens "
               f"{pct(st.get('silo_sectoral_threshold', 0.5))} van de actieve dossiers "
               "betrekt geen andere directie (sectoraal). Banden zijn actueel: een "
               f"samenwerking die meer dan {st.get('tie_window_days', 730)} dagen geleden "
               "eindigde telt niet. E-I = (extern − intern) / (extern + intern) staat "
               "ernaast maar bepaalt het signaal niet."),
        table=silo_table(report["silos"])))

    levels = report.get("levels")
    if levels:
        nl = {"management": "management", "staff": "staf"}
        out.append(Section(
            "Per niveau: management en staf",
            intro="Dezelfde maten op de banden tussen managers onderling en tussen "
                  "stafmedewerkers onderling (§5.3.6, §7.3.1: op managementniveau vindt "
                  "men elkaar, op het niveau van de dossierhouders niet).",
            table=Table(["niveau", "personen", "banden", "tussen directies", "bereik",
                         "geïsoleerd", "silo's", "silo-directies"],
                        [[nl.get(lv, lv), str(sm["people"]), str(sm["ties"]),
                          str(sm["external_ties"]),
                          f"{pct(sm['reach'])} ({sm['reached']}/{sm['people']})",
                          str(sm["isolated"]), str(sm["silos"]),
                          ", ".join(name(r["directorate"]) for r in part["silos"]
                                    if r["flagged"]) or "—"]
                         for lv, part in levels.items() for sm in [part["summary"]]])))

    matrix = report.get("integration_matrix")
    if matrix and matrix["integrating"] and matrix["functional"]:
        cell = {(c["integrating"], c["functional"]): c for c in matrix["cells"]}
        out.append(Section(
            "Integratiemodel",
            intro="Banden tussen personen per integrerende × functionele directie; "
                  "'geen' betekent geen enkele band, samenwerking of dossier.",
            table=Table(["integrerend \\ functioneel", *map(name, matrix["functional"])],
                        [[name(a), *(str(cell[a, b]["person_ties"]) if cell[a, b]["weight"]
                                     else Flag("geen") for b in matrix["functional"])]
                         for a in matrix["integrating"]])))

    def link(r: dict) -> str:
        dirs = [name(d) for d in r["directorates"]]
        if r["kind"] == "integration-model" and len(dirs) == 2:
            text = (f"{dirs[0]} (integrerend) en {dirs[1]} (functioneel) hebben geen enkele "
                    "band, samenwerking of gedeeld dossier.")
        elif r["kind"] == "process" and r.get("process") and r["dossiers"]:
            text = (f"'{name(r['dossiers'][0])}' volgt proces '{name(r['process'])}', dat "
                    f"{dirs[-1]} vereist; {dirs[-1]} is niet betrokken.")
        elif r["kind"] == "overlap" and len(r["dossiers"]) == 2 and len(r["people"]) == 2:
            shared = ", ".join(f"'{_OPEN}{str(w).translate(_MARKS)}{_CLOSE}'"
                               for w in r.get("shared", ()))
            text = (f"'{name(r['dossiers'][0])}' ({dirs[0]}) en '{name(r['dossiers'][1])}' "
                    f"({dirs[-1]}) delen {shared or 'een trefwoord'}; de eigenaren "
                    f"{name(r['people'][0])} en {name(r['people'][1])} hebben geen band.")
        else:
            text = str(r["reason"]).translate(_MARKS)
        return f"{_KIND_NL.get(r['kind'], r['kind'])}: {text}"

    weak = report.get("weak_junctions")
    if weak is not None:
        least = st.get("min_junction_weight", 3)
        out.append(Section(
            "Zwakke schakels",
            intro=(f"Paren integrerend × functioneel met minder dan {least} werkcontexten "
                   "(gedeelde actuele samenwerkingen + dossiers die de ander betrekken); "
                   "het integratiemodel verwacht dat elk paar samenwerkt."),
            items=[f"{name(c['integrating'])} × {name(c['functional'])}: {c['contexts']} "
                   f"werkcontext(en) ({c['person_ties']} persoonsbanden, "
                   f"{c['collaborations']} samenwerkingen, {c['dossiers']} dossiers)"
                   for c in weak]))

    links = report["missing_links"]
    out.append(Section("Ontbrekende verbindingen", intro=f"{len(links)} bevinding(en).",
                       items=[link(r) for r in links]))

    out.append(Section(
        "Geïsoleerde dossierhouders",
        intro="Dossierhouders zonder band buiten de eigen directie en zonder dossier dat "
              "een andere directie betrekt.",
        items=[f"{who(r['person'], r['directorate'])}: {', '.join(map(name, r['dossiers']))}"
               for r in report["isolated_dossier_holders"]]))

    out.append(Section(
        "Single points of failure",
        intro="Personen bij wier vertrek twee directies geen verbinding meer hebben.",
        items=[f"{who(r['person'], r.get('directorate'))} verbindt "
               + ", ".join(f"{name(a)} – {name(b)}" for a, b in r["separates"])
               for r in report["single_points_of_failure"]]))

    method = report["betweenness"]
    how = ("exact" if method["method"] == "exact"
           else f"geschat met {method['k']} bronnen (seed {method['seed']})")
    out.append(Section(
        "Verbinders (betweenness)",
        intro=f"Betweenness {how}; de {brokers} hoogste.",
        table=Table(["persoon", "directie", "betweenness", "banden", "andere directies"],
                    [[name(r["person"]), name(r["directorate"]), _num(r["betweenness"]),
                      str(r["degree"]), str(r["directorates_reached"])]
                     for r in report["brokers"][:brokers]])))

    up = report["upkeep"]
    out.append(Section(
        "Onderhoud",
        intro=(f"{len(up['stale'])} verouderde of onbevestigde gegevens, "
               f"{len(up['unowned_dossiers'])} dossiers zonder eigenaar, "
               f"{len(up['unevaluated_collaborations'])} samenwerkingen zonder recente "
               "evaluatie."),
        items=[*(f"Verouderd: {_STALE_KIND_NL.get(e['kind'], e['kind'])} {name(e['id'])} "
                 f"(bevestigd: {e['reviewed'] or 'nooit'})" for e in up["stale"]),
               *(f"Zonder eigenaar: {name(d)}" for d in up["unowned_dossiers"]),
               *(f"Niet geëvalueerd: {name(c)}" for c in up["unevaluated_collaborations"])]))

    profile = report.get("factor_profile")
    if profile:
        def median(v: float | None) -> str:
            return _num(v, 1)

        out.append(Section(
            "Succesfactoren",
            intro=(f"Mediaan en spreiding (interkwartielafstand) over {profile['evaluations']} "
                   f"evaluatie(s) sinds {profile['since']}; een factor zonder eigen score "
                   "krijgt de mediaan van zijn subvariabelen. Niveau volgens Tabel 9 "
                   "(1 lage mate … 5 hoge mate); nulmeting: het DGB in 2021 (Tabel 18)."),
            table=Table(["factor", "mediaan", "niveau", "spreiding", "evaluaties",
                         "2021 (Tabel 18)"],
                        [[f["factor"], median(f["median"]),
                          str(f["level"]) if f["level"] else "—", _num(f["spread"], 2),
                          str(f["n"]), str(f["baseline"]) if f["baseline"] else "—"]
                         for f in profile["factors"]])))
        if profile["by_year"]:
            years = profile["by_year"]
            out.append(Section(
                "Succesfactoren per jaar",
                intro="Mediaan per kalenderjaar (aantal evaluaties tussen haakjes).",
                table=Table(["factor", *(f"{y['year']} ({y['evaluations']})" for y in years)],
                            [[f, *(median(y["factors"][f]["median"]) for y in years)]
                             for f in (row["factor"] for row in profile["factors"])])))
    return out


# -- JSON -------------------------------------------------------------------------------------
def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _pretty(value: object, depth: int, pad: str) -> str:
    inner = pad + "  "
    if isinstance(value, dict) and value and depth < 2:
        body = ",\n".join(f"{inner}{_compact(k)}: {_pretty(v, depth + 1, inner)}"
                          for k, v in value.items())
        return "{\n" + body + "\n" + pad + "}"
    if isinstance(value, list) and value and depth < 3:
        return "[\n" + ",\n".join(inner + _compact(v) for v in value) + "\n" + pad + "]"
    return _compact(value)


def render_json(report: dict) -> str:
    """The report as JSON: the outer levels indented, each finding on one line.

    Readable and diffable, and fast at 100,000 people: the compact C encoder writes
    every row (``json.dumps(indent=...)`` falls back to pure Python).
    """
    return _pretty(report, 0, "") + "\n"


# -- Markdown ---------------------------------------------------------------------------------
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text.translate(_MARKS)).replace("\n", " ")


def render_markdown(report: dict) -> str:
    """The report as a Markdown note for the MT meeting."""
    lines = [f"# Integratierapport TVB-register — {_md(report['today'])}", ""]
    for sec in _sections(report):
        lines += [f"## {_md(sec.title)}", ""]
        if sec.intro:
            lines += [_md(sec.intro), ""]
        if sec.table is not None:
            t = sec.table
            lines.append("| " + " | ".join(map(_md, t.headers)) + " |")
            lines.append("|" + "|".join("---" for _ in t.headers) + "|")
            lines += ["| " + " | ".join(map(_md, row)) + " |" for row in t.rows]
            lines.append("")
        elif sec.items:
            lines += [f"- {_md(item)}" for item in sec.items] + [""]
        else:
            lines += [_md(sec.empty), ""]
    return "\n".join(lines)


# -- HTML -------------------------------------------------------------------------------------
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;
max-width:60rem;padding:0 1rem;color:#1b1b1b;line-height:1.45}
h1{font-size:1.6rem;border-bottom:3px solid #154273;padding-bottom:.3rem}
h2{font-size:1.2rem;color:#154273;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #c8c8c8;padding:.25rem .6rem;text-align:left}
th{background:#e8eef5}
td.flag{color:#a30000;font-weight:bold}
li{margin:.2rem 0}
"""


def _e(text: object) -> str:
    escaped = html.escape(str(text), quote=True)
    return escaped.replace(_OPEN, "<bdi>").replace(_CLOSE, "</bdi>")


def render_html(report: dict) -> str:
    """The report as one self-contained HTML page: inline style, no scripts, no links
    to anything outside the page; every text is escaped."""
    title = f"Integratierapport TVB-register — {report['today']}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="nl">',
        "<head>",
        '<meta charset="utf-8">',
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'\">",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_e(title)}</h1>",
    ]
    for sec in _sections(report):
        parts.append(f"<section><h2>{_e(sec.title)}</h2>")
        if sec.intro:
            parts.append(f"<p>{_e(sec.intro)}</p>")
        if sec.table is not None:
            parts.append("<table><thead><tr>"
                         + "".join(f'<th scope="col">{_e(h)}</th>' for h in sec.table.headers)
                         + "</tr></thead><tbody>")
            for row in sec.table.rows:
                cells = "".join(
                    f'<td class="flag">{_e(c)}</td>' if isinstance(c, Flag)
                    else f"<td>{_e(c)}</td>" for c in row)
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</tbody></table>")
        elif sec.items:
            parts.append("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in sec.items) + "</ul>")
        else:
            parts.append(f"<p>{_e(sec.empty)}</p>")
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
