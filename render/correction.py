"""The "Meld een correctie" link: a prefilled report to the register's maintainers.

The register's ``settings.correction_url`` is a template, for instance

- GitLab: ``https://gitlab.example.org/dgb/tvb-data/-/issues/new?issue[title]={title}``
  ``&issue[description]={body}``
- GitHub: ``https://github.com/dgb/tvb-data/issues/new?title={title}&body={body}``
- e-mail: ``mailto:tvb-beheer@example.org?subject={title}&body={body}``

with the placeholders of :data:`PLACEHOLDERS`.  Every value is percent-encoded in full
(``&``, ``=``, ``#``, ``?``, braces and line breaks included) and the template is filled in
one pass, so nothing in the data can add a parameter, change the address or expand a
placeholder of its own.  The validator admits only ``http(s)://`` and ``mailto:``
templates, so the link cannot run script.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

__all__ = ["PLACEHOLDERS", "correction_fields", "correction_link"]

#: The placeholders a template may use.
PLACEHOLDERS = ("id", "name", "file", "line", "url", "reviewed", "title", "body")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")

_WORDS = {
    "nl": {"title": "Correctie: {name} ({id})", "ask": "Wat klopt er niet, en wat moet het zijn?",
           "page": "Pagina", "id": "Id", "name": "Naam", "file": "Bestand",
           "reviewed": "Laatst bevestigd", "never": "nooit"},
    "en": {"title": "Correction: {name} ({id})", "ask": "What is wrong, and what should it be?",
           "page": "Page", "id": "Id", "name": "Name", "file": "File",
           "reviewed": "Last confirmed", "never": "never"},
}


def correction_fields(*, id: str, name: str, file: str, line: int, url: str,
                      reviewed: str | None, lang: str = "nl") -> dict[str, str]:
    """The values of every placeholder, ``title`` and ``body`` written out in *lang*.

    >>> f = correction_fields(id="d-x", name="X", file="data/tvb.yaml", line=7,
    ...                       url="http://h/dossier/d-x", reviewed=None, lang="en")
    >>> f["title"]
    'Correction: X (d-x)'
    >>> f["body"].splitlines()[-2:]
    ['File: data/tvb.yaml:7', 'Last confirmed: never']
    """
    w = _WORDS.get(lang, _WORDS["nl"])
    body = "\n".join([
        w["ask"], "", "", "---",
        f"{w['page']}: {url}",
        f"{w['id']}: {id}",
        f"{w['name']}: {name}",
        f"{w['file']}: {file}:{line}",
        f"{w['reviewed']}: {reviewed or w['never']}",
    ])
    return {"id": id, "name": name, "file": file, "line": str(line), "url": url,
            "reviewed": reviewed or "", "title": w["title"].format(name=name, id=id),
            "body": body}


def correction_link(template: str | None, fields: Mapping[str, str]) -> str | None:
    """*template* with each placeholder replaced by its percent-encoded value, or None
    without a template.

    >>> correction_link("mailto:b@example.org?subject={title}",
    ...                 {"title": "A&B=1 {body}"})
    'mailto:b@example.org?subject=A%26B%3D1%20%7Bbody%7D'
    """
    if not template:
        return None
    return _PLACEHOLDER.sub(lambda m: quote(str(fields.get(m.group(1), "")), safe=""), template)
