"""``/toegankelijkheid``: the accessibility statement (public, also before signing in)."""

from __future__ import annotations

from flask import Blueprint, Response

from .render import page, render

__all__ = ["bp", "STATEMENT"]

bp = Blueprint("accessibility", __name__)

#: What the statement claims; the tests named here check it on every release.
STATEMENT = {
    "standard": "WCAG 2.1",
    "level": "AA",
    "status": "fully compliant as far as tested",
    "tests": ["tests/test_accessibility.py"],
    "axe_tags": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"],
    "contact": "the register's maintainers (see README)",
}


@page(bp, "/toegankelijkheid")
def statement() -> Response:
    return render("accessibility.html", STATEMENT)
