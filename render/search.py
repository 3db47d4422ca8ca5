"""``tvb search`` as text: for a dossier, whom to call is on the first screen."""

from __future__ import annotations

from registry.search import SearchResult

__all__ = ["search_text"]

_KIND_HEADINGS = {"dossier": "Dossiers", "unit": "Units", "person": "People",
                  "collaboration": "Collaborations"}


def search_text(result: SearchResult) -> str:
    """Human output of ``tvb search``: for a dossier, whom to call is on the first screen."""

    def contact(c) -> str:
        if not c:
            return "-"
        bits = [c["name"]]
        if c.get("function"):
            bits.append(c["function"])
        if c.get("unit"):
            bits.append(c["unit"]["label"])
        return ", ".join(bits) + "".join(f" · {c[k]}" for k in ("email", "phone") if c.get(k))

    def ref(r) -> str:
        return r["label"] if r else "-"

    lines = []
    if result.suggestions:
        lines.append(f"Bedoelde u: {' / '.join(result.suggestions)}?")
    if not result.hits:
        lines.append(f"No results for {result.query!r}.")
        help_ = result.help or {}
        for u in help_.get("units", ()):
            lines.append(f"  Closest by its tasks: {u['label']} ({u['name']}), head: "
                         f"{contact(u.get('head'))}")
        if help_.get("words"):
            lines.append(f"  Closest words: {', '.join(help_['words'])}")
        if help_.get("contact"):
            lines.append(f"  Ask: {help_['contact']}")
        return "\n".join(lines)
    if result.splits:
        lines.append("Searched for the parts: " + "; ".join(
            f"{w} = {' + '.join(p)}" for w, p in result.splits.items()))
    for kind, hits in result.groups().items():
        lines += ["", f"{_KIND_HEADINGS.get(kind, kind)} ({len(hits)})"]
        for h in hits:
            d = h.detail
            if kind == "dossier":
                closed = "" if d["status"] == "active" else f" ({d['status']})"
                stale = f" (laatst bevestigd {d['reviewed']})" if d.get("stale") else ""
                lines.append(f"  {h.title}{closed}{stale}  [{h.id}]")
                lines.append(f"    owner:      {contact(d['owner'])}")
                if d["deputy"]:
                    lines.append(f"    deputy:     {contact(d['deputy'])}")
                lines.append(f"    penvoerder: {ref(d['penvoerder'])}")
                if d["involved"]:
                    lines.append(f"    involved:   {', '.join(map(ref, d['involved']))}")
                if d["authority"]:
                    lines.append(f"    authority:  {ref(d['authority'])}")
            elif kind == "person":
                lines.append(f"  {contact(d)}  [{h.id}]")
                if d["dossiers"]:
                    more = d["dossier_count"] - len(d["dossiers"])
                    titles = ", ".join(x["title"] for x in d["dossiers"])
                    lines.append(f"    owns: {titles}" + (f" and {more} more" if more else ""))
            elif kind == "unit":
                abbr = f" ({d['abbreviation']})" if d["abbreviation"] else ""
                part = f", part of {ref(d['directorate'])}" if d["directorate"] else ""
                lines.append(f"  {h.title}{abbr}{part}  [{h.id}]")
                lines.append(f"    head: {contact(d['head'])}")
            else:
                lines.append(f"  {h.title}  [{h.id}]")
                lines.append(f"    lead: {contact(d.get('lead'))}")
    return "\n".join(lines)
