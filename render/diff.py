"""``tvb diff`` as text, Markdown or JSON: the change in meaning between two versions of
the register (:func:`registry.diff.diff`) and the change in the integrator's findings
(:func:`graph.findings_delta.findings_delta`)."""

from __future__ import annotations

import datetime as dt
import json

from graph.findings_delta import CATEGORIES, FindingsDelta
from registry.diff import Entry, FieldChange, RegistryDiff

__all__ = ["changes_markdown", "changes_text", "findings_markdown", "findings_text",
           "render_diff"]


def _who(reg_label: str | None) -> str:
    return reg_label or "—"


def _lines(d: RegistryDiff, code: str = "`") -> list[tuple[str, list[str]]]:
    """Sections of (heading, bullet lines) shared by the Markdown and text renderers."""
    def c(x: object) -> str:
        return f"{code}{x}{code}" if x is not None else "—"

    def entries(xs: list[Entry], directorate: str = "directorate",
                detail: str | None = None) -> list[str]:
        out = []
        for e in xs:
            parts = []
            if e.detail:
                parts.append(f"{detail}: {e.detail}" if detail else e.detail)
            if e.directorate:
                parts.append(f"{directorate}: {e.directorate}")
            extra = ", ".join(parts)
            out.append(f"{c(e.id)} {e.label}" + (f" ({extra})" if extra else ""))
        return out

    def changes(xs: list[FieldChange]) -> list[str]:
        return [f"{c(x.id)} {x.label}: {c(x.old)} → {c(x.new)}" for x in xs]

    moves = []
    for m in d.people_moved:
        if m.between_directorates:
            flag = "**other directorate**" if code else "other directorate"
            moves.append(f"{c(m.id)} {m.label}: {c(m.from_unit)} ({_who(m.from_directorate)}) "
                         f"→ {c(m.to_unit)} ({_who(m.to_directorate)}) — {flag}")
        else:
            moves.append(f"{c(m.id)} {m.label}: {c(m.from_unit)} → {c(m.to_unit)}")
    sections = [
        ("People added", entries(d.people_added, detail="unit")),
        ("People removed", entries(d.people_removed, detail="unit")),
        ("People moved", moves),
        ("People renamed", changes(d.people_renamed)),
        ("Function changed", changes(d.people_function_changed)),
        ("Units added", entries(d.units_added)),
        ("Units removed", entries(d.units_removed)),
        ("Head of unit changed", changes(d.head_changed)),
        ("FTE or vacancies changed", changes(d.capacity_changed)),
        ("Dossiers added", entries(d.dossiers_added, "penvoerder", "owner")),
        ("Dossiers removed", entries(d.dossiers_removed, "penvoerder", "owner")),
        ("Dossiers closed", entries(d.dossiers_closed, "penvoerder", "owner")),
        ("Dossiers reopened", entries(d.dossiers_reopened, "penvoerder", "owner")),
        ("Dossier owner changed (hand-over)", changes(d.owner_changed)),
        ("Dossier deputy changed", changes(d.deputy_changed)),
        ("Penvoerder changed", changes(d.penvoerder_changed)),
        ("Dossier stage changed", changes(d.stage_changed)),
        ("Involvement changed", changes(d.involvement_changed)),
        ("Collaborations started", entries(d.collaborations_started)),
        ("Collaborations ended", entries(d.collaborations_ended)),
        ("Collaborations removed", entries(d.collaborations_removed)),
        ("Collaborations evaluated", [f"{c(e.id)} {e.label}: {', '.join(e.dates)}"
                                      for e in d.collaborations_evaluated]),
        ("Processes added", entries(d.processes_added, "penvoerder")),
        ("Processes removed", entries(d.processes_removed, "penvoerder")),
        ("Themes added", entries(d.themes_added)),
        ("Themes removed", entries(d.themes_removed)),
        ("External units added", entries(d.externals_added, detail="kind")),
        ("External units removed", entries(d.externals_removed)),
        ("Organisation head or settings changed", changes(d.organisation_changed)),
        ("Other edits", [f"{c(x.id)} ({x.kind}): {', '.join(x.fields)}"
                         for x in d.other_changes]),
    ]
    if d.reconfirmed:
        sections.append(("Re-confirmed (reviewed date moved forward)",
                         [", ".join(c(i) for i in d.reconfirmed)]))
    return [(h, lines) for h, lines in sections if lines]


_NO_CHANGE = "No change in meaning (formatting or comments only)."
_NO_FINDING = "No finding appeared or disappeared."
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


def _change_parts(d: RegistryDiff, code: str) -> list[Part]:
    if d.empty:
        return []
    return [(title, len(d.reconfirmed) if title.startswith("Re-") else len(lines), lines)
            for title, lines in _lines(d, code)]


def changes_markdown(d: RegistryDiff, heading: str = "### Changes in the register") -> str:
    """Markdown for a pull-request comment."""
    return _markdown(heading, _change_parts(d, "`"), _NO_CHANGE)


def changes_text(d: RegistryDiff) -> str:
    """Plain text for a terminal."""
    return _text(_change_parts(d, ""), _NO_CHANGE)


# -- findings --------------------------------------------------------------------------------
def _describe(name: str, f: dict) -> str:
    if name == "silos":
        if "reach" in f:  # issue 14: the flag rests on reach and sectoral share
            def pct(x: float | None) -> str:
                return "—" if x is None else f"{100 * x:.0f}%"
            return (f"`{f.get('directorate')}` (reach {pct(f.get('reach'))}, sectoral "
                    f"{pct(f.get('sectoral_share'))})")
        ei = f.get("ei_index")
        shown = "no ties" if ei is None else f"E-I {ei:+.3f}"
        return f"`{f.get('directorate')}` ({shown})"
    if name == "weak_junctions":
        return (f"`{f.get('integrating')}` × `{f.get('functional')}` "
                f"({f.get('contexts')} working context(s))")
    if name == "missing_links":
        what = ", ".join(f"`{d}`" for d in f.get("directorates") or ())
        dossiers = ", ".join(f"`{d}`" for d in f.get("dossiers") or ())
        text = f"{f.get('kind')}: {what}"
        if dossiers:
            text += f" — dossiers {dossiers}"
        if f.get("reason"):
            text += f" — {f['reason']}"
        return text
    if name == "single_points_of_failure":
        pairs = "; ".join(" / ".join(f"`{d}`" for d in pair) for pair in f.get("separates") or ())
        return f"`{f.get('person')}`" + (f" (separates {pairs})" if pairs else "")
    if name == "isolated_dossier_holders":
        dossiers = ", ".join(f"`{d}`" for d in f.get("dossiers") or ())
        return f"`{f.get('person')}` ({f.get('directorate')})" + (
            f": {dossiers}" if dossiers else "")
    if name == "stale":
        reviewed = f.get("reviewed")
        when = f"last reviewed {reviewed}" if reviewed else "never reviewed"
        kind = f"{f['kind']} " if f.get("kind") else ""
        return f"{kind}`{f.get('id')}` ({when})"
    if name == "without_deputy":  # issue 13
        return f"`{f.get('dossier')}` (owner `{f.get('owner')}`)"
    if name == "overloaded":
        return f"`{f.get('person')}` ({f.get('active_dossiers')} active dossiers)"
    if f.get("reason"):  # should_involve, late_involvement, unclear_owner
        return str(f["reason"])
    return f"`{f.get('id')}`"


def _finding_parts(delta: FindingsDelta, markdown: bool) -> list[Part]:
    parts = []
    for label, part in (("New", delta.new), ("Resolved", delta.resolved)):
        for name, (_items, _key, title) in CATEGORIES.items():
            found = part.get(name) or []
            if found:
                lines = [_describe(name, f) for f in found]
                if not markdown:
                    lines = [line.replace("`", "") for line in lines]
                sep = ": " if markdown else " — "
                parts.append((f"{label}{sep}{title.lower()}", len(found), lines))
    return parts


def findings_markdown(delta: FindingsDelta,
                      heading: str = "### Changes in the findings") -> str:
    """Markdown for a pull-request comment."""
    return _markdown(heading, _finding_parts(delta, markdown=True), _NO_FINDING)


def findings_text(delta: FindingsDelta) -> str:
    """Plain text for a terminal."""
    return _text(_finding_parts(delta, markdown=False), _NO_FINDING)


def render_diff(fmt: str, old_label: str, new_label: str, today: dt.date,
                changes: RegistryDiff, findings: FindingsDelta | None,
                notes: list[str]) -> str:
    """The whole ``tvb diff`` output in *fmt* (``text``, ``md`` or ``json``)."""
    if fmt == "json":
        return json.dumps({"old": old_label, "new": new_label, "today": today.isoformat(),
                           "changes": changes.as_dict(),
                           "findings": findings.as_dict() if findings else None,
                           "notes": notes}, ensure_ascii=False, indent=2)
    if fmt == "md":
        parts = [f"<!-- tvb-diff -->\n## TVB-register: `{old_label}` → `{new_label}`",
                 changes_markdown(changes)]
        if findings is not None:
            parts.append(findings_markdown(findings))
        parts += [f"_{n}_" for n in notes]
        return "\n\n".join(p.strip() for p in parts) + "\n"
    parts = [f"{old_label} → {new_label}", "", changes_text(changes)]
    if findings is not None:
        parts += ["", "Findings:", findings_text(findings)]
    parts += [f"note: {n}" for n in notes]
    return "\n".join(parts)
