"""Why a finding was flagged, in words: one text per kind of missing link, in English
(the report's ``reason``, its public JSON contract) and in Dutch (the MT note and the
viewer's default language).

The analysis, the report and the viewer all fill in these templates
(:func:`missing_link_reason`), so a finding reads the same wherever it is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

__all__ = ["MISSING_LINK_REASONS", "missing_link_reason"]

#: kind → template, per language; ``{a}``/``{b}`` are the two directorates (integrating,
#: functional) or the two dossiers, ``{dossier}``, ``{process}`` and ``{need}`` the
#: dossier, its process and the directorate it lacks; for an overlap ``{da}``/``{db}``
#: are the dossiers' directorates, ``{pa}``/``{pb}`` their owners and ``{shared}`` the
#: shared words; ``process-gap`` is the compact form of a dossier's ``process`` rows
#: (:func:`graph.analysis.process_gaps`), ``{need}`` every directorate it lacks.
MISSING_LINK_REASONS: dict[str, dict[str, str]] = {
    "en": {
        "integration-model": "{a} (integrating) and {b} (functional) share no person tie, "
                             "collaboration or dossier",
        "process": "'{dossier}' follows process '{process}', which requires {need}; "
                   "{need} is not involved",
        "overlap": "'{a}' ({da}) and '{b}' ({db}) share {shared}, but their owners "
                   "{pa} and {pb} are not tied: possible duplicate",
        "process-gap": "'{dossier}' follows process '{process}', which requires {need}; "
                       "not involved: {need}",
    },
    "nl": {
        "integration-model": "{a} (integrerend) en {b} (functioneel) delen geen "
                             "persoonsband, samenwerking of dossier",
        "process": "'{dossier}' volgt proces '{process}', dat {need} vereist; "
                   "{need} is niet betrokken",
        "overlap": "'{a}' ({da}) en '{b}' ({db}) delen {shared}, maar hun "
                   "dossierhouders {pa} en {pb} hebben geen band: mogelijk dubbel werk",
        "process-gap": "'{dossier}' volgt proces '{process}', dat {need} vereist; "
                       "niet betrokken: {need}",
    },
}


def missing_link_reason(row: Mapping, name: Callable[[str], str], lang: str = "en",
                        word: Callable[[str], str] = str) -> str:
    """The reason of a missing-link row of :func:`graph.analysis.missing_links`.

    Parameters
    ----------
    row : mapping
        With ``kind``, ``directorates``, ``dossiers`` and, by kind, ``process`` or
        ``shared``.
    name : callable
        The display text of an id (a unit's label, a dossier's title, a process's name).
    lang : {"en", "nl"}
        The language; another falls back to English.
    word : callable, optional
        How a shared word from the data is shown (escaped or marked by a renderer).

    Returns
    -------
    str
        The filled-in template; ``row["reason"]`` (or ``""``) when the row does not have
        the shape its kind promises.

    Examples
    --------
    >>> row = {"kind": "integration-model", "directorates": ["dsk", "dv"], "dossiers": []}
    >>> print(missing_link_reason(row, str.upper, "nl"))
    DSK (integrerend) en DV (functioneel) delen geen persoonsband, samenwerking of dossier
    """
    templates = MISSING_LINK_REASONS.get(lang, MISSING_LINK_REASONS["en"])
    kind, dirs, dossiers = row.get("kind"), row.get("directorates") or (), \
        row.get("dossiers") or ()
    if kind == "integration-model" and len(dirs) == 2:
        return templates[kind].format(a=name(dirs[0]), b=name(dirs[1]))
    if kind == "process" and dirs and dossiers and row.get("process"):
        return templates[kind].format(dossier=name(dossiers[0]), process=name(row["process"]),
                                      need=name(dirs[-1]))
    if kind == "process-gap" and row.get("dossier") and row.get("process"):
        need = ", ".join(name(m) for m in row.get("missing") or ()) or "…"
        return templates[kind].format(dossier=name(row["dossier"]),
                                      process=name(row["process"]), need=need)
    people = row.get("people") or ()
    if kind == "overlap" and len(dossiers) == 2 and len(dirs) == 2 and len(people) == 2:
        shared = ", ".join(f"'{word(w)}'" for w in row.get("shared") or ()) or "…"
        return templates[kind].format(a=name(dossiers[0]), b=name(dossiers[1]),
                                      da=name(dirs[0]), db=name(dirs[1]), pa=name(people[0]),
                                      pb=name(people[1]), shared=shared)
    return str(row.get("reason", ""))
