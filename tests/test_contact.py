"""Contact data kept exact: phone numbers and e-mail addresses must be YAML strings (both
parse paths catch an unquoted number), ``tel:`` URIs are valid RFC 3966 or left out with
W120, and e-mail syntax is checked (W121)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.namespace import FOAF

from graph.rdf import compile_registry, entity_iri
from registry import contact
from registry.contact import email_ok, mailto_uri, tel_uri
from registry.load import parse_bytes
from registry.validate import build_registry
from tests.conftest import TODAY
from tests.test_validate import edit


@pytest.mark.parametrize("phone, uri", [
    ("+31 70 000 0000", "tel:+31700000000"),
    ("+31 (0)70 123 45 67", "tel:+31701234567"),
    ("0031 70-123.45.67", "tel:+31701234567"),
    ("+31 70 123 4567 toestel 12", "tel:+31701234567;ext=12"),
    ("+31701234567 tst. 3", "tel:+31701234567;ext=3"),
    ("+1 (555) 123-4567 x 89", "tel:+15551234567;ext=89"),
    ("070-1234567toestel12", None),  # no country code: not a global number
    ("070 123 4567", None),
    ("+31 70 ABC DEFG", None),
    ("bel de receptie", None),
    ("+12", None),  # too short
    ("+1234567890123456", None),  # more than E.164's 15 digits
    ("+31 70 123 4567 toestel", None),  # an extension word without a number
])
def test_tel_uri(phone, uri):
    assert tel_uri(phone) == uri


@pytest.mark.parametrize("email, ok", [
    ("c.visser@example.org", True), ("o'brien+tvb@mindef.nl", True),
    ("jan@münchen.de", True), ("c.visser@example", False), ("c..visser@example.org", False),
    (".c@example.org", False), ("c visser@example.org", False), ("c@-x.org", False),
    ("c.visser(at)example.org", False), ("@example.org", False), ("c@1.2.3.4", False),
])
def test_email_ok(email, ok):
    assert email_ok(email) is ok
    assert (mailto_uri(email) is not None) is ok


PHONE_LINE = "    unit: cio\n    phone: {}\n"


@pytest.mark.parametrize("fast", [False, True], ids=["pyyaml", "fast"])
@pytest.mark.parametrize("written, number", [
    ("0701234567", 117782903),  # YAML 1.1 octal
    ("+31701234567", 31701234567),  # the plus is dropped
    ("31701234567", 31701234567),
    ("070.1234567", 70.1234567),  # a float
])
def test_an_unquoted_number_is_an_error_on_both_parse_paths(fast, written, number):
    text = edit("    unit: cio\n", PHONE_LINE.format(written))
    src = parse_bytes(text.encode(), "test.yaml", fast=fast)
    assert src.parser == ("fast" if fast else "pyyaml")
    result = build_registry([src], today=TODAY)
    (d,) = [d for d in result.diagnostics if d.code == "E007"]
    assert (d.loc.file, d.loc.line, d.loc.column) == ("test.yaml", 27, 12)
    assert f"YAML read it as the number {number}" in d.message and "in quotes" in d.message


@pytest.mark.parametrize("fast", [False, True], ids=["pyyaml", "fast"])
def test_quoted_numbers_are_kept_exactly(fast):
    text = edit("    unit: cio\n", PHONE_LINE.format('"+31 70 123 4567 toestel 12"'))
    result = build_registry([parse_bytes(text.encode(), "test.yaml", fast=fast)], today=TODAY)
    assert result.diagnostics == []
    reg = result.registry
    assert reg.people["a-jansen"].phone == "+31 70 123 4567 toestel 12"
    g = compile_registry(reg)
    assert {str(o) for o in g.objects(entity_iri(reg, "a-jansen"), FOAF.phone)} == {
        "tel:+31701234567;ext=12"}


def test_invalid_contact_data_warns_and_stays_out_of_the_graph():
    text = edit("    unit: cio\n", '    unit: cio\n    phone: "070-1234567 toestel 12"\n'
                                  "    email: a.jansen(at)example.org\n")
    result = build_registry([parse_bytes(text.encode(), "test.yaml")], today=TODAY)
    assert result.ok
    assert [(d.code, d.loc.line, d.loc.column) for d in result.diagnostics] == [
        ("W120", 27, 12), ("W121", 28, 12)]
    g = compile_registry(result.registry)
    person = entity_iri(result.registry, "a-jansen")
    assert not set(g.objects(person, FOAF.phone)) and not set(g.objects(person, FOAF.mbox))
    # the data itself is kept as written (the viewer and CSV show it)
    assert result.registry.people["a-jansen"].phone == "070-1234567 toestel 12"


# -- the shortcuts for the common forms give what the full rules give ----------------------
# Characters around the edges of the shortcuts: digits, separators, letters of extensions,
# the parts of addresses, and a few that neither takes.
_PHONE_CHARS = st.sampled_from(list("+0123456789 ()-./xt#\n\tａ٣"))
_EMAIL_CHARS = st.sampled_from(list("ab.Z09_-+@ \n'é") + ["xn--", "..", "@@"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PHONE_CHARS, max_size=24).map("".join))
def test_tel_uri_shortcut_agrees_with_the_full_rules(phone):
    assert tel_uri(phone) == contact._tel_uri(phone)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_EMAIL_CHARS, max_size=40).map("".join))
def test_email_shortcut_agrees_with_the_full_rules(email):
    assert email_ok(email) == contact._email_ok(email)


@pytest.mark.parametrize("email", [
    "p-000005@example.org", "c.visser@mindef.nl", "a+b@x-y.z", "a" * 40 + "@" + "b" * 19 + ".nl",
    "a..b@example.org", ".a@example.org", "a.@example.org", "a@-x.org", "a@x-.org", "a@x.123",
    "a@x", "a@x..org", "a@x.org.", "a" * 65 + "@x.org", "a@" + "b" * 64 + ".org",
    "a@xn--bcher-kva.ch", "a@b--c.nl", " a@x.org", "a@x.org\n", "Ab_C@EXAMPLE.ORG",
])
def test_email_shortcut_on_the_edges(email):
    assert email_ok(email) == contact._email_ok(email)


@pytest.mark.parametrize("phone", [
    "+31 70 000 0004", "+1", "+123", "+1234", "+1234567890123456", "+123456789012345",
    "+ 31 70", "+31 70 ", " +31 70 1234", "+31  70  12", "+31 (0)70 1234567", "+3170x12",
])
def test_tel_uri_shortcut_on_the_edges(phone):
    assert tel_uri(phone) == contact._tel_uri(phone)
