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

from .i18n import DEFAULT_LANGUAGE, translate
from .markdown import escape

__all__ = ["render_json", "render_markdown", "render_html", "Section", "Table", "Flag"]

#: The catalogue key of each kind of missing link (the viewer's words).
_KIND_KEYS = {"integration-model": "int.missing.integration-model", "process":
              "int.missing.process", "overlap": "int.missing.overlap"}


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
    empty: str = ""


def _num(x: float | None, digits: int = 3, lang: str = "nl") -> str:
    if x is None:
        return "—"
    shown = f"{x:.{digits}f}"
    return shown.replace(".", ",") if lang == "nl" else shown


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


class _Words:
    """The catalogue in one language, called as ``w(key, **values)``."""

    def __init__(self, lang: str):
        self.lang = lang

    def __call__(self, key: str, /, **values: object) -> str:
        return translate(key, self.lang, **values)

    def num(self, x: float | None, digits: int = 3) -> str:
        return _num(x, digits, self.lang)

    def pct(self, x: float | None) -> str:
        return "—" if x is None else f"{100 * x:.0f} %"


def _sections(report: dict, *, brokers: int = 10, lang: str = DEFAULT_LANGUAGE) -> list[Section]:
    """The report as titled sections of plain text, tables and lists, in *lang*."""
    name = _Names(report)
    w = _Words(lang)
    sections = [_summary(report, w), _silos(report, name, w), _levels(report, name, w),
                _matrix(report, name, w), _weak(report, name, w),
                _missing_links(report, name, w),
                *(_involvement(report, name, w) if "should_involve" in report else ()),
                _isolated(report, name, w), _spof(report, name, w),
                _brokers(report, name, brokers, w), _upkeep(report, name, w),
                *_factors(report, w)]
    return [s for s in sections if s is not None]


def _summary(report: dict, w: _Words) -> Section:
    s = report["summary"]
    return Section(
        w("rep.summary"),
        intro=w("rep.summary.intro", today=report["today"],
                version=report["data_version"][:12]),
        table=Table([w(f"sum.{k}").lower() for k in ("directorates", "departments", "people",
                                                       "dossiers", "collaborations")],
                    [[str(s["directorates"]), str(s["departments"]), str(s["people"]),
                      str(s["dossiers"]), str(s["collaborations"])]]))


def _silo_table(rows: list[dict], name: _Names, w: _Words) -> Table:
    return Table([w("rep.col.directorate"), w("int.reach"), w("rep.col.per_person"),
                  w("rep.col.sectoral"), w("int.expected_missing"), "E-I", w("int.internal"),
                  w("int.external"), w("rep.col.flag")],
                 [[name(r["directorate"]), f"{w.pct(r['reach'])} ({r['reached']}/{r['people']})",
                   w.num(r["external_per_person"], 2),
                   f"{w.pct(r['sectoral_share'])} ({len(r['sectoral_dossiers'])}/"
                   f"{r['active_dossiers']})",
                   ", ".join(map(name, r["expected_missing"])) or "—",
                   w.num(r["ei_index"]), str(r["internal_ties"]), str(r["external_ties"]),
                   Flag(w("rep.flag.silo")) if r["flagged"] else ""]
                  for r in rows])


def _silos(report: dict, name: _Names, w: _Words) -> Section:
    """Issue 14: walls as the study defines them, E-I beside them."""
    st = report.get("settings", {})
    flagged = [r for r in report["silos"] if r["flagged"]]
    return Section(
        w("int.silos"),
        intro=w("rep.silos.flagged", n=len(flagged), of=len(report["silos"])) + " " + w(
            "int.silos.explain", reach=w.pct(st.get("silo_reach_threshold", 0.5)),
            sectoral=w.pct(st.get("silo_sectoral_threshold", 0.5)),
            window=st.get("tie_window_days", 730)),
        table=_silo_table(report["silos"], name, w))


def _levels(report: dict, name: _Names, w: _Words) -> Section | None:
    levels = report.get("levels")
    if not levels:
        return None
    return Section(
        w("int.levels"),
        intro=w("int.levels.explain"),
        table=Table([w("int.level"), w("rep.col.people"), w("int.ties"), w("int.external_ties"),
                     w("int.reach"), w("int.isolated_n"), w("int.silos_n"),
                     w("rep.col.silo_directorates")],
                    [[w(f"level.{lv}") if lv in ("management", "staff") else lv,
                      str(sm["people"]), str(sm["ties"]), str(sm["external_ties"]),
                      f"{w.pct(sm['reach'])} ({sm['reached']}/{sm['people']})",
                      str(sm["isolated"]), str(sm["silos"]),
                      ", ".join(name(r["directorate"]) for r in part["silos"]
                                if r["flagged"]) or "—"]
                     for lv, part in levels.items() for sm in [part["summary"]]]))


def _weak(report: dict, name: _Names, w: _Words) -> Section | None:
    weak = report.get("weak_junctions")
    if weak is None:
        return None
    least = report.get("settings", {}).get("min_junction_weight", 3)
    return Section(
        w("int.weak"),
        intro=w("int.weak.explain", min=least),
        items=[f"{name(c['integrating'])} × {name(c['functional'])}: "
               + w("rep.weak.item", contexts=w("delta.contexts", n=c["contexts"]),
                   ties=c["person_ties"], collaborations=c["collaborations"],
                   dossiers=c["dossiers"])
               for c in weak])


def _matrix(report: dict, name: _Names, w: _Words) -> Section | None:
    matrix = report.get("integration_matrix")
    if not (matrix and matrix["integrating"] and matrix["functional"]):
        return None
    cell = {(c["integrating"], c["functional"]): c for c in matrix["cells"]}
    none = w("rep.matrix.none")
    return Section(
        w("rep.matrix"),
        intro=w("rep.matrix.intro", none=none),
        table=Table([w("rep.matrix.corner"), *map(name, matrix["functional"])],
                    [[name(a), *(str(cell[a, b]["person_ties"]) if cell[a, b]["weight"]
                                 else Flag(none) for b in matrix["functional"])]
                     for a in matrix["integrating"]]))


def _missing_links(report: dict, name: _Names, w: _Words) -> Section:
    def link(r: dict) -> str:
        # The reason as the analysis wrote it is only a fallback; strip the marks from it.
        r = {**r, "reason": str(r.get("reason", "")).translate(_MARKS)}
        reason = missing_link_reason(r, name, w.lang, name.mark)
        kind = w(_KIND_KEYS[r["kind"]]) if r["kind"] in _KIND_KEYS else r["kind"]
        return f"{kind}: {reason}."

    links = report["missing_links"]
    return Section(w("int.missing"), intro=w("rep.findings", n=len(links)),
                   items=[link(r) for r in links])


def _isolated(report: dict, name: _Names, w: _Words) -> Section:
    return Section(
        w("int.isolated"),
        intro=w("rep.isolated.intro"),
        items=[f"{name.who(r['person'], r['directorate'])}: "
               f"{', '.join(map(name, r['dossiers']))}"
               for r in report["isolated_dossier_holders"]])


def _spof(report: dict, name: _Names, w: _Words) -> Section:
    return Section(
        w("int.spof"),
        intro=w("rep.spof.intro"),
        items=[w("rep.spof.item", who=name.who(r["person"], r.get("directorate")),
                 pairs=", ".join(f"{name(a)} – {name(b)}" for a, b in r["separates"]))
               for r in report["single_points_of_failure"]])


def _brokers(report: dict, name: _Names, top: int, w: _Words) -> Section:
    method = report["betweenness"]
    how = (w("int.method.exact") if method["method"] == "exact"
           else w("int.method.sampled", k=method["k"], seed=method["seed"]))
    return Section(
        w("int.brokers"),
        intro=w("rep.brokers.intro", method=how, top=top),
        table=Table([w("rep.col.person"), w("rep.col.directorate"), w("int.betweenness"),
                     w("int.degree"), w("rep.col.other_directorates")],
                    [[name(r["person"]), name(r["directorate"]), w.num(r["betweenness"]),
                      str(r["degree"]), str(r["directorates_reached"])]
                     for r in report["brokers"][:top]]))


def _upkeep(report: dict, name: _Names, w: _Words) -> Section:
    up = report["upkeep"]
    return Section(
        w("int.upkeep"),
        intro=w("rep.upkeep.intro", stale=len(up["stale"]), unowned=len(up["unowned_dossiers"]),
                unevaluated=len(up["unevaluated_collaborations"])),
        items=[*(w("rep.upkeep.stale", kind=w("kind." + e["kind"]), id=name(e["id"]),
                   date=e["reviewed"] or w("upkeep.never")) for e in up["stale"]),
               *(w("rep.upkeep.unowned", id=name(d)) for d in up["unowned_dossiers"]),
               *(w("rep.upkeep.unevaluated", id=name(c))
                 for c in up["unevaluated_collaborations"])])


def _factors(report: dict, w: _Words) -> list[Section]:
    """Issue 14: the factor profile (median, spread, Table 9, Table 18) and the trend;
    a report without a profile shows the first definition's means."""
    profile = report.get("factor_profile")
    if not profile:
        return [Section(
            w("int.factors"),
            intro=w("rep.factors.means"),
            table=Table([w("rep.col.factor"), w("rep.col.mean"), w("rep.col.n")],
                        [[f, w.num(v["mean"], 1), str(v["n"])]
                         for f, v in report["factors"].items()]))]
    out = [Section(
        w("int.factors"),
        intro=w("rep.factors.intro", n=profile["evaluations"], since=profile["since"]),
        table=Table([w("rep.col.factor"), w("prof.median"), w("int.level"), w("prof.spread"),
                     w("prof.n"), w("prof.baseline")],
                    [[f["factor"], w.num(f["median"], 1),
                      str(f["level"]) if f["level"] else "—", w.num(f["spread"], 2),
                      str(f["n"]), str(f["baseline"]) if f["baseline"] else "—"]
                     for f in profile["factors"]]))]
    years = profile["by_year"]
    if years:
        out.append(Section(
            w("rep.factors.by_year"),
            intro=w("rep.factors.by_year.intro"),
            table=Table([w("rep.col.factor"),
                         *(f"{y['year']} ({y['evaluations']})" for y in years)],
                        [[f, *(w.num(y["factors"][f]["median"], 1) for y in years)]
                         for f in (row["factor"] for row in profile["factors"])])))
    return out


def _involvement(report: dict, name: _Names, w: _Words) -> list[Section]:
    """Issue 13: who should be involved, late involvement, cover, whose task."""
    def quoted(text: str) -> str:
        return f"'{name.mark(text)}'"

    def should(r: dict) -> str:
        if r["kind"] == "theme":
            return w("rep.should.theme", who=name(r["missing"]), theme=name(r["theme"]),
                     dossier=name(r["dossiers"][0]))
        return w("rep.should.table", who=name(r["missing"]),
                 collaboration=name(r["collaboration"]), date=r["date"])

    def late(r: dict) -> str:
        why = []
        if r["days_after_start"] is not None and r["days_after_start"] > r["late_after_days"]:
            why.append(w("rep.late.days", n=r["days_after_start"], start=r["start"]))
        if r["stage"] in ("besluitvorming", "uitvoering", "evaluatie"):
            why.append(w("rep.late.stage", stage=r["stage"]))
        return w("rep.late.item", who=name(r["missing"]), dossier=name(r["dossiers"][0]),
                 why="; ".join(why))

    c = report["cover"]
    tc = report["task_clarity"]
    limit = report.get("settings", {}).get("late_after_days")
    problems = {"unknown": "rep.deputy.unknown", "owner": "rep.deputy.owner"}
    return [
        Section(w("rep.should"),
                intro=w("rep.should.intro", n=len(report["should_involve"])),
                items=[should(r) for r in report["should_involve"]]),
        Section(w("delta.late_involvement"),
                intro=w("rep.late.intro", days=limit),
                items=[late(r) for r in report["late_involvement"]]),
        Section(w("rep.cover"),
                intro=(w("rep.cover.intro", without=len(c["without_deputy"]),
                         overloaded=len(c["overloaded"]), max=c["max_active_dossiers"],
                         problems=len(c["deputy_problems"]))
                       + "".join(" " + w("rep.cover.overloaded", who=name(r["person"]),
                                         n=r["active_dossiers"]) for r in c["overloaded"])
                       + "".join(" " + w("rep.cover.deputy", dossier=name(r["dossier"]),
                                         deputy=name(r["deputy"]),
                                         problem=w(problems[r["problem"]])
                                         if r["problem"] in problems else r["problem"])
                                 for r in c["deputy_problems"])),
                table=Table([w("rep.col.directorate"), w("rep.col.active_dossiers"),
                             w("rep.col.without_deputy"), w("rep.col.fte"),
                             w("rep.col.per_fte"), w("rep.col.vacancies")],
                            [[name(r["directorate"]), str(r["active_dossiers"]),
                              Flag(str(r["without_deputy"])) if r["without_deputy"]
                              else "0", w.num(r["fte"], 1), w.num(r["dossiers_per_fte"], 2),
                              "—" if r["vacancies"] is None else str(r["vacancies"])]
                             for r in c["directorates"]])),
        Section(w("rep.task"),
                intro=w("rep.task.intro", unclear=len(tc["unclear_owner"]),
                        overlapping=len(tc["overlapping_tasks"]),
                        uncovered=len(tc["uncovered_tasks"])),
                items=[*(w("rep.task.unclear", dossier=name(r["dossiers"][0]),
                           unit=name(r["units"][0]), task=quoted(r["tasks"][0]))
                         for r in tc["unclear_owner"]),
                       *(w("rep.task.overlap", a=name(r["units"][0]), task_a=quoted(r["tasks"][0]),
                           b=name(r["units"][1]), task_b=quoted(r["tasks"][1]))
                         for r in tc["overlapping_tasks"]),
                       *(w("rep.task.uncovered", unit=name(r["unit"]), task=quoted(r["task"]))
                         for r in tc["uncovered_tasks"])]),
    ]


# -- JSON -------------------------------------------------------------------------------------
def _encoder():
    """``json.dumps(value, ensure_ascii=False)`` without its per-call cost: the C encoder
    built once (``JSONEncoder.encode`` builds one per call, a third of the time of a
    million small rows), with the Python encoder as the fallback."""
    try:
        from json.encoder import c_make_encoder, encode_basestring
    except ImportError:  # pragma: no cover - CPython has it
        c_make_encoder = None
    if c_make_encoder is None:  # pragma: no cover
        return json.JSONEncoder(ensure_ascii=False).encode
    # The arguments of JSONEncoder.iterencode for one call; no circular check (markers
    # None): a report is a tree.
    make = c_make_encoder(None, None, encode_basestring, None, ": ", ", ", False, False, True)
    join = "".join
    return lambda value: join(make(value, 0))


_compact = _encoder()


def _pretty(value: object, depth: int, pad: str, out: list[str]) -> None:
    """Append the text of *value* to *out*: dicts of the two outer levels and lists of
    the three outer levels one item per line, everything inside on one line."""
    inner = pad + "  "
    if isinstance(value, dict) and value and depth < 2:
        sep = "{\n"
        for k, v in value.items():
            out += (sep, inner, _compact(k), ": ")
            _pretty(v, depth + 1, inner, out)
            sep = ",\n"
        out += ("\n", pad, "}")
    elif isinstance(value, list) and value and depth < 3:
        # The pieces go into one list joined once at the end: joining per level copied
        # the ~300 MB of a report at 100,000 people four times over.
        sep = "[\n" + inner
        comma = ",\n" + inner
        for v in value:
            out += (sep, _compact(v))
            sep = comma
        out += ("\n", pad, "]")
    else:
        out.append(_compact(value))


def render_json(report: dict) -> str:
    """The report as JSON: the outer levels indented, each finding on one line.

    Readable and diffable, and fast at 100,000 people: the compact C encoder writes
    every row (``json.dumps(indent=...)`` falls back to pure Python).
    """
    out: list[str] = []
    _pretty(report, 0, "", out)
    out.append("\n")
    return "".join(out)


# -- Markdown ---------------------------------------------------------------------------------
def _md(text: str) -> str:
    return escape(text.translate(_MARKS))


def render_markdown(report: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The report as a Markdown note for the MT meeting, in *lang*."""
    lines = [f"# {_md(translate('rep.title', lang, today=report['today']))}", ""]
    empty = translate("rep.none", lang)
    for sec in _sections(report, lang=lang):
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
            lines += [_md(sec.empty or empty), ""]
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


def render_html(report: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """The report as one self-contained HTML page in *lang*: inline style, no scripts, no
    links to anything outside the page; every text is escaped."""
    title = translate("rep.title", lang, today=report["today"])
    empty = translate("rep.none", lang)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(lang)}">',
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
    for sec in _sections(report, lang=lang):
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
            parts.append(f"<p>{_e(sec.empty or empty)}</p>")
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)
