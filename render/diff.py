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
        ("Dossiers added", entries(d.dossiers_added, "penvoerder", "owner")),
        ("Dossiers removed", entries(d.dossiers_removed, "penvoerder", "owner")),
        ("Dossiers closed", entries(d.dossiers_closed, "penvoerder", "owner")),
        ("Dossiers reopened", entries(d.dossiers_reopened, "penvoerder", "owner")),
        ("Dossier owner changed (hand-over)", changes(d.owner_changed)),
        ("Dossier deputy changed", changes(d.deputy_changed)),
        ("Penvoerder changed", changes(d.penvoerder_changed)),
        ("Collaborations started", entries(d.collaborations_started)),
        ("Collaborations ended", entries(d.collaborations_ended)),
        ("Collaborations removed", entries(d.collaborations_removed)),
        ("Collaborations evaluated", [f"{c(e.id)} {e.label}: {', '.join(e.dates)}"
                                      for e in d.collaborations_evaluated]),
        ("Processes added", entries(d.processes_added, "penvoerder")),
        ("Processes removed", entries(d.processes_removed, "penvoerder")),
        ("Other edits", [f"{c(x.id)} ({x.kind}): {', '.join(x.fields)}"
                         for x in d.other_changes]),
    ]
    if d.reconfirmed:
        sections.append(("Re-confirmed (reviewed date moved forward)",
                         [", ".join(c(i) for i in d.reconfirmed)]))
    return [(h, lines) for h, lines in sections if lines]


def changes_markdown(d: RegistryDiff, heading: str = "### Changes in the register") -> str:
    """Markdown for a pull-request comment."""
    out = [heading, ""]
    if d.empty:
        out.append("No change in meaning (formatting or comments only).")
        return "\n".join(out)
    for title, lines in _lines(d):
        count = len(d.reconfirmed) if title.startswith("Re-") else len(lines)
        out.append(f"**{title}** ({count})")
        out.extend(f"- {line}" for line in lines)
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def changes_text(d: RegistryDiff) -> str:
    """Plain text for a terminal."""
    if d.empty:
        return "No change in meaning (formatting or comments only)."
    out = []
    for title, lines in _lines(d, code=""):
        out.append(f"{title}:")
        out.extend(f"  {line}" for line in lines)
    return "\n".join(out)


# -- findings --------------------------------------------------------------------------------
def _describe(name: str, f: dict) -> str:
    if name == "silos":
        ei = f.get("ei_index")
        shown = "no ties" if ei is None else f"E-I {ei:+.3f}"
        return f"`{f.get('directorate')}` ({shown})"
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
    return f"`{f.get('id')}`"


def findings_markdown(delta: FindingsDelta,
                    heading: str = "### Changes in the findings") -> str:
    """Markdown for a pull-request comment."""
    out = [heading, ""]
    if delta.empty:
        out.append("No finding appeared or disappeared.")
        return "\n".join(out) + "\n"
    for label, part in (("New", delta.new), ("Resolved", delta.resolved)):
        for name, (_items, _key, title) in CATEGORIES.items():
            found = part.get(name) or []
            if found:
                out.append(f"**{label}: {title.lower()}** ({len(found)})")
                out.extend(f"- {_describe(name, f)}" for f in found)
                out.append("")
    return "\n".join(out).rstrip() + "\n"


def findings_text(delta: FindingsDelta) -> str:
    """Plain text for a terminal."""
    if delta.empty:
        return "No finding appeared or disappeared."
    out = []
    for label, part in (("New", delta.new), ("Resolved", delta.resolved)):
        for name, (_items, _key, title) in CATEGORIES.items():
            found = part.get(name) or []
            if found:
                out.append(f"{label} — {title.lower()}:")
                out.extend("  " + _describe(name, f).replace("`", "") for f in found)
    return "\n".join(out)


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
