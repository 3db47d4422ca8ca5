"""RDF terms as N-Triples and Turtle write them: one escaping of IRIs and strings for the
Turtle export (:mod:`graph.export`) and the N-Triples of the SPARQL store
(:mod:`graph.store`).

Both formats share these rules (RDF 1.1 N-Triples §2.3 and Turtle §6.4): in an IRI, the
characters ``<>"{}|^`\\``, space and the controls below it are written as ``\\uXXXX``;
in a string, backslash, double quote, line feed and carriage return are escaped.
"""

from __future__ import annotations

__all__ = ["iri_ref", "string_literal"]

_IRI_ESCAPES = str.maketrans({c: f"\\u{ord(c):04X}" for c in '<>"{}|^`\\ ' +
                              "".join(map(chr, range(0x21)))})
_STRING_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def iri_ref(iri: str) -> str:
    """An IRI in angle brackets, escaped.

    >>> iri_ref('https://example.org/a b"c')
    '<https://example.org/a\\\\u0020b\\\\u0022c>'
    """
    return "<" + iri.translate(_IRI_ESCAPES) + ">"


def string_literal(text: str) -> str:
    """A string in double quotes, escaped.

    >>> print(string_literal('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    return '"' + text.translate(_STRING_ESCAPES) + '"'
