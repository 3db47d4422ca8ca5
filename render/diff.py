"""``tvb diff`` as text, Markdown or JSON: the change in meaning between two versions of
the register (:func:`registry.diff.diff`) and the change in the integrator's findings
(:func:`graph.findings_delta.findings_delta`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from graph.findings_delta import CATEGORIES, FindingsDelta
from registry.diagnostics import Diagnostic
from registry.diff import Entry, FieldChange, RegistryDiff

from .i18n import DEFAULT_LANGUAGE, translate

__all__ = ["changes_markdown", "changes_text", "findings_markdown", "findings_text",
           "errors_markdown", "render_diff"]


def _who(reg_label: str | None) -> str:
    return reg_label or "—"


def _lines(d: RegistryDiff, code: str = "`",
           lang: str = DEFAULT_LANGUAGE) -> list[tuple[str, list[str]]]:
    """Sections of (heading, bullet lines) shared by the Markdown and text renderers."""
    def w(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    def c(x: object) -> str:
        return f"{code}{x}{code}" if x is not None else "—"

    def entries(xs: list[Entry], directorate: str = "diff.w.directorate",
                detail: str | None = None) -> list[str]:
        out = []
        for e in xs:
            parts = []
            if e.detail:
                parts.append(f"{w(detail)}: {e.detail}" if detail else e.detail)
            if e.directorate:
                parts.append(f"{w(directorate)}: {e.directorate}")
            extra = ", ".join(parts)
            out.append(f"{c(e.id)} {e.label}" + (f" ({extra})" if extra else ""))
        return out

    def changes(xs: list[FieldChange]) -> list[str]:
        return [f"{c(x.id)} {x.label}: {c(x.old)} → {c(x.new)}" for x in xs]

    moves = []
    for m in d.people_moved:
        if m.between_directorates:
            flag = f"**{w('diff.other_directorate')}**" if code else w("diff.other_directorate")
            moves.append(f"{c(m.id)} {m.label}: {c(m.from_unit)} ({_who(m.from_directorate)}) "
                         f"→ {c(m.to_unit)} ({_who(m.to_directorate)}) — {flag}")
        else:
            moves.append(f"{c(m.id)} {m.label}: {c(m.from_unit)} → {c(m.to_unit)}")
    sections = [
        (w("diff.people_added"), entries(d.people_added, detail="diff.w.unit")),
        (w("diff.people_removed"), entries(d.people_removed, detail="diff.w.unit")),
        (w("diff.people_moved"), moves),
        (w("diff.people_renamed"), changes(d.people_renamed)),
        (w("diff.function_changed"), changes(d.people_function_changed)),
        (w("diff.units_added"), entries(d.units_added)),
        (w("diff.units_removed"), entries(d.units_removed)),
        (w("diff.head_changed"), changes(d.head_changed)),
        (w("diff.capacity_changed"), changes(d.capacity_changed)),
        (w("diff.dossiers_added"), entries(d.dossiers_added, *_DOSSIER)),
        (w("diff.dossiers_removed"), entries(d.dossiers_removed, *_DOSSIER)),
        (w("diff.dossiers_closed"), entries(d.dossiers_closed, *_DOSSIER)),
        (w("diff.dossiers_reopened"), entries(d.dossiers_reopened, *_DOSSIER)),
        (w("diff.owner_changed"), changes(d.owner_changed)),
        (w("diff.deputy_changed"), changes(d.deputy_changed)),
        (w("diff.penvoerder_changed"), changes(d.penvoerder_changed)),
        (w("diff.stage_changed"), changes(d.stage_changed)),
        (w("diff.involvement_changed"), changes(d.involvement_changed)),
        (w("diff.collaborations_started"), entries(d.collaborations_started)),
        (w("diff.collaborations_ended"), entries(d.collaborations_ended)),
        (w("diff.collaborations_removed"), entries(d.collaborations_removed)),
        (w("diff.collaborations_evaluated"), [f"{c(e.id)} {e.label}: {', '.join(e.dates)}"
                                      for e in d.collaborations_evaluated]),
        (w("diff.processes_added"), entries(d.processes_added, "diff.w.penvoerder")),
        (w("diff.processes_removed"), entries(d.processes_removed, "diff.w.penvoerder")),
        (w("diff.themes_added"), entries(d.themes_added)),
        (w("diff.themes_removed"), entries(d.themes_removed)),
        (w("diff.externals_added"), entries(d.externals_added, detail="diff.w.kind")),
        (w("diff.externals_removed"), entries(d.externals_removed)),
        (w("diff.organisation_changed"), changes(d.organisation_changed)),
        (w("diff.other_changes"), [f"{c(x.id)} ({x.kind}): {', '.join(x.fields)}"
                         for x in d.other_changes]),
    ]
    if d.reconfirmed:
        sections.append((w("diff.reconfirmed"),
                         [", ".join(c(i) for i in d.reconfirmed)]))
    return [(h, lines) for h, lines in sections if lines]


#: The labels of a dossier's penvoerder and owner in its line.
_DOSSIER = ("diff.w.penvoerder", "diff.w.owner")
#: (title, count, lines) of one part of a rendering
Part = tuple[str, int, list[str]]


def _markdown(heading: str, parts: list[Part], empty: str) -> str:
    """A heading, then per part its bold title with the count and a bullet list."""
    out = [heading, ""]
    if not parts:
        return "\n".join([*out, empty]) + "\n"
    for title, count, lines in parts:
        out.append(f"**{title}** ({count})")
        out.extend(f"- {line}" for line in lines)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _text(parts: list[Part], empty: str) -> str:
    """Per part its title and the lines indented, for a terminal."""
    if not parts:
        return empty
    out = []
    for title, _count, lines in parts:
        out.append(f"{title}:")
        out.extend(f"  {line}" for line in lines)
    return "\n".join(out)


def _change_parts(d: RegistryDiff, code: str, lang: str) -> list[Part]:
    if d.empty:
        return []
    again = translate("diff.reconfirmed", lang)
    return [(title, len(d.reconfirmed) if title == again else len(lines), lines)
            for title, lines in _lines(d, code, lang)]


def changes_markdown(d: RegistryDiff, heading: str | None = None,
                     lang: str = DEFAULT_LANGUAGE) -> str:
    """Markdown for a pull-request comment."""
    heading = heading or "### " + translate("diff.changes", lang)
    return _markdown(heading, _change_parts(d, "`", lang), translate("diff.no_change", lang))


def changes_text(d: RegistryDiff, lang: str = DEFAULT_LANGUAGE) -> str:
    """Plain text for a terminal."""
    return _text(_change_parts(d, "", lang), translate("diff.no_change", lang))


# -- findings --------------------------------------------------------------------------------
def _describe(name: str, f: dict, lang: str) -> str:
    def w(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    if name == "silos":
        if "reach" in f:  # issue 14: the flag rests on reach and sectoral share
            def pct(x: float | None) -> str:
                return "—" if x is None else f"{100 * x:.0f}%"
            return (f"`{f.get('directorate')}` ({w('delta.reach')} {pct(f.get('reach'))}, "
                    f"{w('delta.sectoral')} {pct(f.get('sectoral_share'))})")
        ei = f.get("ei_index")
        shown = w("delta.no_ties") if ei is None else f"E-I {ei:+.3f}"
        return f"`{f.get('directorate')}` ({shown})"
    if name == "weak_junctions":
        contexts = f.get("contexts")
        n = w("delta.contexts", n=contexts) if isinstance(contexts, int) else str(contexts)
        return f"`{f.get('integrating')}` × `{f.get('functional')}` ({n})"
    if name == "missing_links":
        what = ", ".join(f"`{d}`" for d in f.get("directorates") or ())
        dossiers = ", ".join(f"`{d}`" for d in f.get("dossiers") or ())
        text = f"{f.get('kind')}: {what}"
        if dossiers:
            text += f" — {w('delta.dossiers')} {dossiers}"
        if f.get("reason"):
            text += f" — {f['reason']}"
        return text
    if name == "single_points_of_failure":
        pairs = "; ".join(" / ".join(f"`{d}`" for d in pair) for pair in f.get("separates") or ())
        return f"`{f.get('person')}`" + (f" ({w('delta.separates')} {pairs})" if pairs else "")
    if name == "isolated_dossier_holders":
        dossiers = ", ".join(f"`{d}`" for d in f.get("dossiers") or ())
        return f"`{f.get('person')}` ({f.get('directorate')})" + (
            f": {dossiers}" if dossiers else "")
    if name == "stale":
        reviewed = f.get("reviewed")
        when = w("delta.last_reviewed", date=reviewed) if reviewed else w("delta.never_reviewed")
        kind = f"{w('kind.' + f['kind'])} " if f.get("kind") else ""
        return f"{kind}`{f.get('id')}` ({when})"
    if name == "without_deputy":  # issue 13
        return f"`{f.get('dossier')}` ({w('delta.owner')} `{f.get('owner')}`)"
    if name == "overloaded":
        n = f.get("active_dossiers")
        shown = w("delta.active_dossiers", n=n) if isinstance(n, int) else str(n)
        return f"`{f.get('person')}` ({shown})"
    if f.get("reason"):  # should_involve, late_involvement, unclear_owner
        return str(f["reason"])
    return f"`{f.get('id')}`"


def _finding_parts(delta: FindingsDelta, markdown: bool, lang: str) -> list[Part]:
    parts = []
    for label, part in (("delta.new", delta.new), ("delta.resolved", delta.resolved)):
        for name, (_items, _key, title) in CATEGORIES.items():
            found = part.get(name) or []
            if found:
                lines = [_describe(name, f, lang) for f in found]
                if not markdown:
                    lines = [line.replace("`", "") for line in lines]
                sep = ": " if markdown else " — "
                parts.append((f"{translate(label, lang)}{sep}{translate(title, lang).lower()}",
                              len(found), lines))
    return parts


def findings_markdown(delta: FindingsDelta, heading: str | None = None,
                      lang: str = DEFAULT_LANGUAGE) -> str:
    """Markdown for a pull-request comment."""
    heading = heading or "### " + translate("delta.heading", lang)
    return _markdown(heading, _finding_parts(delta, True, lang),
                     translate("delta.no_change", lang))


def findings_text(delta: FindingsDelta, lang: str = DEFAULT_LANGUAGE) -> str:
    """Plain text for a terminal."""
    return _text(_finding_parts(delta, False, lang), translate("delta.no_change", lang))


def errors_markdown(errors: Sequence[Diagnostic], lang: str = DEFAULT_LANGUAGE,
                    limit: int = 50) -> str:
    """Why a pull-request comment has no comparison: the first *limit* errors of either
    side, each with its place."""
    from .diagnostics import message
    from .markdown import escape

    out = ["### " + translate("diff.errors.heading", lang), "",
           translate("diff.errors.intro", lang), ""]
    out += [f"- `{d.loc}`: {escape(message(d, lang))}" for d in errors[:limit]]
    if len(errors) > limit:
        out.append("- " + translate("diff.errors.more", lang, n=len(errors) - limit))
    return "\n".join(out)


def render_diff(fmt: str, old_label: str, new_label: str, today: dt.date,
                changes: RegistryDiff, findings: FindingsDelta | None,
                notes: list[str], lang: str = DEFAULT_LANGUAGE) -> str:
    """The whole ``tvb diff`` output in *fmt* (``text``, ``md`` or ``json``), the words in
    *lang* (JSON keeps its keys: they are the contract)."""
    if fmt == "json":
        return json.dumps({"old": old_label, "new": new_label, "today": today.isoformat(),
                           "changes": changes.as_dict(),
                           "findings": findings.as_dict() if findings else None,
                           "notes": notes}, ensure_ascii=False, indent=2)
    if fmt == "md":
        parts = [f"<!-- tvb-diff -->\n## TVB-register: `{old_label}` → `{new_label}`",
                 changes_markdown(changes, lang=lang)]
        if findings is not None:
            parts.append(findings_markdown(findings, lang=lang))
        parts += [f"_{n}_" for n in notes]
        return "\n\n".join(p.strip() for p in parts) + "\n"
    parts = [f"{old_label} → {new_label}", "", changes_text(changes, lang)]
    if findings is not None:
        parts += ["", translate("delta.findings", lang) + ":", findings_text(findings, lang)]
    parts += [f"{translate('cli.note', lang)}: {n}" for n in notes]
    return "\n".join(parts)
