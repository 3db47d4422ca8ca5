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
from dataclasses import dataclass, field

from graph.reasons import missing_link_reason

from .i18n import translate
from .markdown import escape

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


class _Names:
    """Display names of the report's ids, marked for ``<bdi>`` (see :data:`_OPEN`)."""

    def __init__(self, report: dict):
        self.names: dict[str, str] = report.get("names", {})

    @staticmethod
    def mark(text: str) -> str:
        return _OPEN + str(text).translate(_MARKS) + _CLOSE

    def __call__(self, id_: str | None) -> str:
        return self.mark(self.names.get(id_, id_)) if id_ else "—"

    def who(self, pid: str, did: str | None) -> str:
        return f"{self(pid)} ({self(did)})" if did else self(pid)


def _sections(report: dict, *, brokers: int = 10) -> list[Section]:
    """The report as titled sections of plain text, tables and lists (Dutch)."""
    name = _Names(report)
    sections = [_summary(report), _silos(report, name), _levels(report, name),
                _matrix(report, name), _weak(report, name), _missing_links(report, name),
                *(_involvement(report, name) if "should_involve" in report else ()),
                _isolated(report, name), _spof(report, name),
                _brokers(report, name, brokers), _upkeep(report, name), *_factors(report)]
    return [s for s in sections if s is not None]


def _summary(report: dict) -> Section:
    s = report["summary"]
    return Section(
        "Samenvatting",
        intro=(f"Stand van {report['today']}, gegevensversie {report['data_version'][:12]}."),
        table=Table(["directies", "afdelingen", "personen", "dossiers", "samenwerkingen"],
                    [[str(s["directorates"]), str(s["departments"]), str(s["people"]),
                      str(s["dossiers"]), str(s["collaborations"])]]))



def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f} %"


def _silo_table(rows: list[dict], name: _Names) -> Table:
    return Table(["directie", "bereik", "ext. banden p.p.", "sectoraal", "verwacht, geen band",
                  "E-I", "intern", "extern", "signaal"],
                 [[name(r["directorate"]), f"{_pct(r['reach'])} ({r['reached']}/{r['people']})",
                   _num(r["external_per_person"], 2),
                   f"{_pct(r['sectoral_share'])} ({len(r['sectoral_dossiers'])}/"
                   f"{r['active_dossiers']})",
                   ", ".join(map(name, r["expected_missing"])) or "—",
                   _num(r["ei_index"]), str(r["internal_ties"]), str(r["external_ties"]),
                   Flag("silo") if r["flagged"] else ""]
                  for r in rows])


def _silos(report: dict, name: _Names) -> Section:
    """Issue 14: walls as the study defines them, E-I beside them."""
    st = report.get("settings", {})
    flagged = [r for r in report["silos"] if r["flagged"]]
    return Section(
        "Silo's (muren tussen directies)",
        intro=(f"{len(flagged)} van {len(report['silos'])} directies gesignaleerd. Een muur "
               "is sectoraal beleid: beleid dat past binnen één beleidsterrein en waar niet "
               "grensoverschrijdend gewerkt wordt (§2.5). Silo: minder dan "
               f"{_pct(st.get('silo_reach_threshold', 0.5))} van de mensen heeft een "
               "actuele band met een andere directie (bereik) én minstens "
               f"{_pct(st.get('silo_sectoral_threshold', 0.5))} van de actieve dossiers "
               "betrekt geen andere directie (sectoraal). Banden zijn actueel: een "
               f"samenwerking die meer dan {st.get('tie_window_days', 730)} dagen geleden "
               "eindigde telt niet. E-I = (extern − intern) / (extern + intern) staat "
               "ernaast maar bepaalt het signaal niet."),
        table=_silo_table(report["silos"], name))


def _levels(report: dict, name: _Names) -> Section | None:
    levels = report.get("levels")
    if not levels:
        return None
    nl = {"management": "management", "staff": "staf"}
    return Section(
        "Per niveau: management en staf",
        intro="Dezelfde maten op de banden tussen managers onderling en tussen "
              "stafmedewerkers onderling (§5.3.6, §7.3.1: op managementniveau vindt "
              "men elkaar, op het niveau van de dossierhouders niet).",
        table=Table(["niveau", "personen", "banden", "tussen directies", "bereik",
                     "geïsoleerd", "silo's", "silo-directies"],
                    [[nl.get(lv, lv), str(sm["people"]), str(sm["ties"]),
                      str(sm["external_ties"]),
                      f"{_pct(sm['reach'])} ({sm['reached']}/{sm['people']})",
                      str(sm["isolated"]), str(sm["silos"]),
                      ", ".join(name(r["directorate"]) for r in part["silos"]
                                if r["flagged"]) or "—"]
                     for lv, part in levels.items() for sm in [part["summary"]]]))


def _weak(report: dict, name: _Names) -> Section | None:
    weak = report.get("weak_junctions")
    if weak is None:
        return None
    least = report.get("settings", {}).get("min_junction_weight", 3)
    return Section(
        "Zwakke schakels",
        intro=(f"Paren integrerend × functioneel met minder dan {least} werkcontexten "
               "(gedeelde actuele samenwerkingen + dossiers die de ander betrekken); "
               "het integratiemodel verwacht dat elk paar samenwerkt."),
        items=[f"{name(c['integrating'])} × {name(c['functional'])}: {c['contexts']} "
               f"werkcontext(en) ({c['person_ties']} persoonsbanden, "
               f"{c['collaborations']} samenwerkingen, {c['dossiers']} dossiers)"
               for c in weak])


def _matrix(report: dict, name: _Names) -> Section | None:
    matrix = report.get("integration_matrix")
    if not (matrix and matrix["integrating"] and matrix["functional"]):
        return None
    cell = {(c["integrating"], c["functional"]): c for c in matrix["cells"]}
    return Section(
        "Integratiemodel",
        intro="Banden tussen personen per integrerende × functionele directie; "
              "'geen' betekent geen enkele band, samenwerking of dossier.",
        table=Table(["integrerend \\ functioneel", *map(name, matrix["functional"])],
                    [[name(a), *(str(cell[a, b]["person_ties"]) if cell[a, b]["weight"]
                                 else Flag("geen") for b in matrix["functional"])]
                     for a in matrix["integrating"]]))


def _missing_links(report: dict, name: _Names) -> Section:
    def link(r: dict) -> str:
        # The reason as the analysis wrote it is only a fallback; strip the marks from it.
        r = {**r, "reason": str(r.get("reason", "")).translate(_MARKS)}
        reason = missing_link_reason(r, name, "nl", name.mark)
        return f"{_KIND_NL.get(r['kind'], r['kind'])}: {reason}."

    links = report["missing_links"]
    return Section("Ontbrekende verbindingen", intro=f"{len(links)} bevinding(en).",
                   items=[link(r) for r in links])


def _isolated(report: dict, name: _Names) -> Section:
    return Section(
        "Geïsoleerde dossierhouders",
        intro="Dossierhouders zonder band buiten de eigen directie en zonder dossier dat "
              "een andere directie betrekt.",
        items=[f"{name.who(r['person'], r['directorate'])}: "
               f"{', '.join(map(name, r['dossiers']))}"
               for r in report["isolated_dossier_holders"]])


def _spof(report: dict, name: _Names) -> Section:
    return Section(
        translate("int.spof", "nl"),
        intro="Personen bij wier vertrek twee directies geen verbinding meer hebben.",
        items=[f"{name.who(r['person'], r.get('directorate'))} verbindt "
               + ", ".join(f"{name(a)} – {name(b)}" for a, b in r["separates"])
               for r in report["single_points_of_failure"]])


def _brokers(report: dict, name: _Names, top: int) -> Section:
    method = report["betweenness"]
    how = ("exact" if method["method"] == "exact"
           else f"geschat met {method['k']} bronnen (seed {method['seed']})")
    return Section(
        translate("int.brokers", "nl"),
        intro=f"Tussenpositie (betweenness) {how}; de {top} hoogste.",
        table=Table(["persoon", "directie", translate("int.betweenness", "nl"), "banden",
                     "andere directies"],
                    [[name(r["person"]), name(r["directorate"]), _num(r["betweenness"]),
                      str(r["degree"]), str(r["directorates_reached"])]
                     for r in report["brokers"][:top]]))


def _upkeep(report: dict, name: _Names) -> Section:
    up = report["upkeep"]
    return Section(
        "Onderhoud",
        intro=(f"{len(up['stale'])} verouderde of onbevestigde gegevens, "
               f"{len(up['unowned_dossiers'])} dossiers zonder eigenaar, "
               f"{len(up['unevaluated_collaborations'])} samenwerkingen zonder recente "
               "evaluatie."),
        items=[*(f"Verouderd: {_STALE_KIND_NL.get(e['kind'], e['kind'])} {name(e['id'])} "
                 f"(bevestigd: {e['reviewed'] or 'nooit'})" for e in up["stale"]),
               *(f"Zonder eigenaar: {name(d)}" for d in up["unowned_dossiers"]),
               *(f"Niet geëvalueerd: {name(c)}" for c in up["unevaluated_collaborations"])])



def _factors(report: dict) -> list[Section]:
    """Issue 14: the factor profile (median, spread, Table 9, Table 18) and the trend;
    a report without a profile shows the first definition's means."""
    profile = report.get("factor_profile")
    if not profile:
        return [Section(
            "Succesfactoren",
            intro="Gemiddelde score (1 laag – 5 hoog) over de laatste evaluatie van elke "
                  "samenwerking die de factor scoort.",
            table=Table(["factor", "gemiddelde", "aantal"],
                        [[f, _num(v["mean"], 1), str(v["n"])]
                         for f, v in report["factors"].items()]))]
    out = [Section(
        "Succesfactoren",
        intro=(f"Mediaan en spreiding (interkwartielafstand) over {profile['evaluations']} "
               f"evaluatie(s) sinds {profile['since']}; een factor zonder eigen score "
               "krijgt de mediaan van zijn subvariabelen. Niveau volgens Tabel 9 "
               "(1 lage mate … 5 hoge mate); nulmeting: het DGB in 2021 (Tabel 18)."),
        table=Table(["factor", "mediaan", "niveau", "spreiding", "evaluaties",
                     "2021 (Tabel 18)"],
                    [[f["factor"], _num(f["median"], 1),
                      str(f["level"]) if f["level"] else "—", _num(f["spread"], 2),
                      str(f["n"]), str(f["baseline"]) if f["baseline"] else "—"]
                     for f in profile["factors"]]))]
    years = profile["by_year"]
    if years:
        out.append(Section(
            "Succesfactoren per jaar",
            intro="Mediaan per kalenderjaar (aantal evaluaties tussen haakjes).",
            table=Table(["factor", *(f"{y['year']} ({y['evaluations']})" for y in years)],
                        [[f, *(_num(y["factors"][f]["median"], 1) for y in years)]
                         for f in (row["factor"] for row in profile["factors"])])))
    return out


def _involvement(report: dict, name: _Names) -> list[Section]:
    """Issue 13: who should be involved, late involvement, cover, whose task (Dutch)."""
    def quoted(text: str) -> str:
        return f"'{name.mark(text)}'"

    def should(r: dict) -> str:
        if r["kind"] == "theme":
            return (f"{name(r['missing'])} zou betrokken moeten zijn: {name(r['theme'])} — "
                    f"'{name(r['dossiers'][0])}'")
        return (f"{name(r['missing'])} ontbrak aan tafel bij '{name(r['collaboration'])}' "
                f"({r['date']})")

    def late(r: dict) -> str:
        why = []
        if r["days_after_start"] is not None and r["days_after_start"] > r["late_after_days"]:
            why.append(f"{r['days_after_start']} dagen na de start ({r['start']})")
        if r["stage"] in ("besluitvorming", "uitvoering", "evaluatie"):
            why.append(f"pas in de fase {r['stage']}")
        return (f"{name(r['missing'])} laat betrokken bij '{name(r['dossiers'][0])}': "
                + "; ".join(why))

    c = report["cover"]
    tc = report["task_clarity"]
    limit = report.get("settings", {}).get("late_after_days")
    problem = {"unknown": "staat niet (meer) in het register",
               "owner": "de dossierhouder is zijn eigen vervanger"}
    return [
        Section("Wie had betrokken moeten zijn",
                intro=f"{len(report['should_involve'])} bevinding(en): dossiers bij een thema "
                      "zonder de directie die het thema vraagt, en wie bij een evaluatie aan "
                      "tafel ontbrak.",
                items=[should(r) for r in report["should_involve"]]),
        Section("Laat betrokken",
                intro=f"Later dan {limit} dagen na de start, of pas vanaf de fase "
                      "besluitvorming, betrokken bij een dossier waarvoor een proces of thema "
                      "de directie vraagt.",
                items=[late(r) for r in report["late_involvement"]]),
        Section("Vervanging en capaciteit",
                intro=(f"{len(c['without_deputy'])} actieve dossiers zonder vervanger; "
                       f"{len(c['overloaded'])} personen boven {c['max_active_dossiers']} "
                       f"actieve dossiers; {len(c['deputy_problems'])} vervangers die niet "
                       "kunnen invallen."
                       + "".join(f" Overbelast: {name(r['person'])} ({r['active_dossiers']})."
                                 for r in c["overloaded"])
                       + "".join(f" {name(r['dossier'])}: vervanger {name(r['deputy'])} "
                                 f"{problem.get(r['problem'], r['problem'])}."
                                 for r in c["deputy_problems"])),
                table=Table(["directie", "actieve dossiers", "zonder vervanger", "fte",
                             "dossiers per fte", "vacatures"],
                            [[name(r["directorate"]), str(r["active_dossiers"]),
                              Flag(str(r["without_deputy"])) if r["without_deputy"]
                              else "0", _num(r["fte"], 1), _num(r["dossiers_per_fte"], 2),
                              "—" if r["vacancies"] is None else str(r["vacancies"])]
                             for r in c["directorates"]])),
        Section("Wiens taak is het?",
                intro=f"{len(tc['unclear_owner'])} dossier(s) passen bij de taken van een "
                      f"andere directie die niet betrokken is; {len(tc['overlapping_tasks'])} "
                      f"paar eenheden met overlappende taken; {len(tc['uncovered_tasks'])} "
                      "taken zonder actief dossier.",
                items=[*(f"'{name(r['dossiers'][0])}' past bij een taak van "
                         f"{name(r['units'][0])}: {quoted(r['tasks'][0])}"
                         for r in tc["unclear_owner"]),
                       *(f"Overlap: {name(r['units'][0])} {quoted(r['tasks'][0])} en "
                         f"{name(r['units'][1])} {quoted(r['tasks'][1])}"
                         for r in tc["overlapping_tasks"]),
                       *(f"Geen dossier: {name(r['unit'])} {quoted(r['task'])}"
                         for r in tc["uncovered_tasks"])]),
    ]


# -- JSON -------------------------------------------------------------------------------------
# One encoder for the million rows: json.dumps with any option builds a new one per call.
_compact = json.JSONEncoder(ensure_ascii=False).encode


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
def _md(text: str) -> str:
    return escape(text.translate(_MARKS))


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
