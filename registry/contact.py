"""Contact data kept exact: phone numbers as RFC 3966 ``tel:`` URIs, e-mail addresses
checked for their syntax.

The validator warns (W120, W121) where these functions give ``None``, and the RDF
compiler leaves the ``foaf:phone``/``foaf:mbox`` link out rather than publish an invalid
URI, so the warning and the graph always agree.

Phone numbers
    A number becomes a *global* ``tel:`` URI (RFC 3966 §5.1.4): ``+``, the country code
    and the digits, visual separators dropped (spaces, ``-``, ``.``, ``/``, parentheses),
    ``00`` at the start read as the international prefix ``+``, the Dutch trunk ``(0)`` in
    ``+31 (0)70 …`` dropped, and an extension (``toestel 12``, ``tst. 12``, ``ext 12``,
    ``x12``, ``#12``) as the ``;ext=`` parameter: ``+31 (0)70 123 4567 toestel 12`` →
    ``tel:+31701234567;ext=12``.  A number without a country code (``070-1234567``)
    cannot be a global number and a local one needs a ``phone-context`` the register
    does not know, so it gives ``None``; so does anything with other characters, or with
    more than 15 or fewer than 4 digits (ITU-T E.164 caps numbers at 15).
E-mail addresses
    ``local@domain`` with a dot-atom local part (RFC 5322 §3.4.1, ASCII) and a domain of
    dot-separated labels of letters, digits and hyphens, at least two labels, the last
    not all digits; an internationalised domain is checked in its IDNA form.
"""

from __future__ import annotations

import re

__all__ = ["tel_uri", "email_ok", "mailto_uri"]

_EXTENSION = re.compile(
    r"\s*(?:(?:toestel|tst\.?|ext\.?|extension|x|#)\s*(\d{1,6}))\s*$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-./()]")
_TRUNK = re.compile(r"^\+(\d{1,3})\s*\(0\)")
# The common form, "+31 70 123 4567": no extension, trunk or other separators, so the
# rules below would only drop the spaces.
_PLAIN_TEL = re.compile(r"\+[0-9 ]*[0-9]")


def tel_uri(phone: str) -> str | None:
    """The RFC 3966 ``tel:`` URI of a phone number, or None when it cannot be one.

    >>> tel_uri("+31 70 000 0000")
    'tel:+31700000000'
    >>> tel_uri("0031 (0)70-123 45 67 toestel 12")
    'tel:+31701234567;ext=12'
    >>> tel_uri("070-1234567") is None  # no country code
    True
    """
    if _PLAIN_TEL.fullmatch(phone):
        digits = phone[1:].replace(" ", "")
        return f"tel:+{digits}" if 4 <= len(digits) <= 15 else None
    return _tel_uri(phone)


def _tel_uri(phone: str) -> str | None:
    """:func:`tel_uri` by the full rules."""
    text = phone.strip()
    ext = None
    m = _EXTENSION.search(text)
    if m:
        ext, text = m.group(1), text[:m.start()]
    if text.startswith("00"):
        text = "+" + text[2:]
    text = _TRUNK.sub(lambda m: f"+{m.group(1)}", text)
    if not text.startswith("+"):
        return None
    digits = _SEPARATORS.sub("", text[1:])
    if not digits.isascii() or not digits.isdigit() or not 4 <= len(digits) <= 15:
        return None
    return f"tel:+{digits}" + (f";ext={ext}" if ext else "")


_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
# The common form, "c.visser@example.org": at most 64 characters (so no part is too long)
# of a dot-atom, '@', and ASCII labels of letters, digits and inner hyphens, the last
# letters only: valid by the rules below, whose IDNA step leaves ASCII labels as they are.
_LABEL_PLAIN = r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*"
_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@"
                          rf"(?:{_LABEL_PLAIN}\.)+[A-Za-z]+")


def email_ok(email: str) -> bool:
    """Whether an e-mail address is syntactically valid (see the module docstring).

    >>> email_ok("c.visser@example.org"), email_ok("c.visser at example.org")
    (True, False)
    """
    if len(email) <= 64 and _PLAIN_EMAIL.fullmatch(email):
        return True
    return _email_ok(email)


def _email_ok(email: str) -> bool:
    """:func:`email_ok` by the full rules."""
    local, at, domain = email.strip().rpartition("@")
    if not at or not local or len(local) > 64 or not _LOCAL.match(local):
        return False
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_domain.split(".")
    return (len(ascii_domain) <= 253 and len(labels) >= 2
            and all(_LABEL.match(label) for label in labels) and not labels[-1].isdigit())


def mailto_uri(email: str) -> str | None:
    """The ``mailto:`` URI of a valid address (RFC 6068), else None."""
    from urllib.parse import quote

    email = email.strip()
    return "mailto:" + quote(email, safe="@!$&'()*+,;=:~") if email_ok(email) else None
