"""``tvb search`` as text: for a dossier, whom to call is on the first screen."""

from __future__ import annotations

from registry.search import SearchResult

from .i18n import DEFAULT_LANGUAGE, translate

__all__ = ["search_text"]

_KINDS = ("dossier", "unit", "person", "collaboration")


def search_text(result: SearchResult, lang: str = DEFAULT_LANGUAGE) -> str:
    """Human output of ``tvb search`` in *lang*: for a dossier, whom to call is on the
    first screen (the viewer's words for the same things)."""
    def w(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    fields = ("f.owner", "f.deputy", "f.penvoerder", "f.involved", "f.authority")
    width = max(len(w(k)) for k in fields) + 1

    def label(key: str) -> str:  # the dossier's fields, aligned
        return f"{w(key) + ':':<{width}}"

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

    lines: list[str] = []
    if result.suggestions:
        lines.append(f"{w('search.didyoumean')}: {' / '.join(result.suggestions)}?")
    if not result.hits:
        lines.append(w("search.cli.none", query=repr(result.query)))
        help_ = result.help or {}
        for u in help_.get("units", ()):
            lines.append(f"  {w('search.help.units')}: {u['label']} ({u['name']}), "
                         f"{w('f.head').lower()}: {contact(u.get('head'))}")
        if help_.get("words"):
            lines.append(f"  {w('search.help.words')}: {', '.join(help_['words'])}")
        if help_.get("contact"):
            lines.append(f"  {w('search.help.contact')}: {help_['contact']}")
        return "\n".join(lines)
    if result.splits:
        lines.append(f"{w('search.split')}: " + "; ".join(
            f"{word} = {' + '.join(p)}" for word, p in result.splits.items()))
    for kind, hits in result.groups().items():
        heading = w(f"search.kind.{kind}") if kind in _KINDS else kind
        lines += ["", f"{heading} ({len(hits)})"]
        for h in hits:
            d = h.detail
            if kind == "dossier":
                closed = "" if d["status"] == "active" else \
                    f" ({w('status.' + d['status']).lower()})"
                stale = f" ({w('search.stale', date=d['reviewed'])})" if d.get("stale") else ""
                lines.append(f"  {h.title}{closed}{stale}  [{h.id}]")
                lines.append(f"    {label('f.owner')} {contact(d['owner'])}")
                if d["deputy"]:
                    lines.append(f"    {label('f.deputy')} {contact(d['deputy'])}")
                lines.append(f"    {label('f.penvoerder')} {ref(d['penvoerder'])}")
                if d["involved"]:
                    lines.append(f"    {label('f.involved')} {', '.join(map(ref, d['involved']))}")
                if d["authority"]:
                    lines.append(f"    {label('f.authority')} {ref(d['authority'])}")
            elif kind == "person":
                lines.append(f"  {contact(d)}  [{h.id}]")
                if d["dossiers"]:
                    more = d["dossier_count"] - len(d["dossiers"])
                    titles = ", ".join(x["title"] for x in d["dossiers"])
                    lines.append(f"    {w('search.cli.owns')}: {titles}"
                                 + (" " + w("search.cli.more", n=more) if more else ""))
            elif kind == "unit":
                abbr = f" ({d['abbreviation']})" if d["abbreviation"] else ""
                part = f", {w('search.cli.part_of', unit=ref(d['directorate']))}" \
                    if d["directorate"] else ""
                lines.append(f"  {h.title}{abbr}{part}  [{h.id}]")
                lines.append(f"    {w('f.head').lower()}: {contact(d['head'])}")
            else:
                lines.append(f"  {h.title}  [{h.id}]")
                lines.append(f"    {w('f.lead').lower()}: {contact(d.get('lead'))}")
    return "\n".join(lines)
