"""Markdown escaping, one way for every rendering that writes Markdown."""

from __future__ import annotations

import re

__all__ = ["escape"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: object) -> str:
    """Text from the data as literal Markdown: special characters backslashed, line
    breaks as spaces (so a value cannot end a table row or start a heading).

    >>> print(escape("a|b *c*\\n# d"))
    a\\|b \\*c\\* \\# d
    """
    return _SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
