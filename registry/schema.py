"""Format 1 of the register, declared once.

The validator checks the data against these declarations and ``tvb schema`` turns them
into a JSON Schema for editors, so the two cannot drift apart.  Every field carries a
description in Dutch and in English.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Field", "SPECS", "FACTORS", "SUBFACTORS", "EXTRA_FACTORS", "LEVELS", "AXES",
           "ID_PATTERN", "json_schema", "KIND_OF_SECTION", "STAGES", "EXTERNAL_KINDS"]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
AXES = ("integrating", "functional", "staff")
DOSSIER_STATUSES = ("active", "closed")
COLLABORATION_KINDS = ("projectteam", "werkverband", "overleg", "netwerk", "stuurgroep",
                       "werkgroep", "bilateraal")
#: The stages of a dossier, in order (issue 13); involvement first at ``besluitvorming``
#: or later is late.
STAGES = ("verkenning", "ontwerp", "besluitvorming", "uitvoering", "evaluatie")
#: Kinds of units outside the organisation (``external:``).
EXTERNAL_KINDS = ("defensieonderdeel", "ministerie", "internationaal", "overig")
MODES = ("voluntary", "mandatory")
#: The seven success factors of intersectoral collaboration (thesis ch. 3), scored 1..5.
FACTORS = ("urgentie", "steun", "verwachtingen", "leiderschap", "middelen", "werkwijze",
           "evaluatie")
#: The sub-variables (dimensions) of each factor, the rows of the thesis's Tables 2–8,
#: scored on an evaluation as ``subfactors: {middelen.tijd: 2, ...}``.
SUBFACTORS: dict[str, tuple[str, ...]] = {
    "urgentie": ("wederzijdse_afhankelijkheid", "draagvlak", "stimulerende_omgeving"),
    "steun": ("inclusief_proces", "partnerselectie", "belangen", "actieplanning",
              "communicatieontwerp"),
    "verwachtingen": ("gedeelde_visie", "coalitieoverschot", "eigen_en_collectief_belang"),
    "leiderschap": ("competenties",),
    "middelen": ("financieel", "tijd", "personeel"),
    "werkwijze": ("organisatorisch_leren", "coalitievorming"),
    "evaluatie": ("moeite_waard", "reflectie"),
}
#: The two further factors the interviews brought up (thesis §5.4), scored 1..5 on an
#: evaluation as fields of their own: the can-do mentality, and the TVB of the BBD put
#: into practice.
EXTRA_FACTORS = ("can_do_mentaliteit", "tvb_in_praktijk")
#: Levels of a person (thesis §5.3.6, §7.3.1: management finds each other, dossier
#: holders do not).  Default: management for the head of a unit, else staff.
LEVELS = ("management", "staff")
UNIT_KINDS = ("directorate", "department")


@dataclass(frozen=True)
class Field:
    """One key of a mapping.

    ``type`` is one of: ``text``, ``phone`` and ``email`` (text that must be written as
    a YAML string, checked by :mod:`registry.contact`), ``id``, ``date``, ``int``,
    ``number``, ``uri``,
    ``enum``, ``ref`` (an id of one of ``refs``), ``refs`` (a list of them), ``texts``
    (a list of text), ``object``/``objects`` (a nested mapping or list of mappings of
    spec ``spec``), ``involve`` (``all`` or a list of refs), ``involved`` (a list of
    refs, each a bare id or a mapping of spec ``spec`` with the id under ``id``),
    ``schema``.
    """

    name: str
    type: str
    nl: str
    en: str
    required: bool = False
    choices: tuple = ()
    refs: tuple[str, ...] = ()
    spec: str | None = None
    minimum: float | None = None
    maximum: float | None = None


def _f(name: str, type: str, nl: str, en: str, **kw) -> Field:
    return Field(name, type, nl, en, **kw)


_REVIEWED = _f("reviewed", "date", "Datum waarop de gegevens voor het laatst zijn bevestigd.",
               "Date the entry was last confirmed as correct.")
_ID = _f("id", "id", "Unieke sleutel (kleine letters, cijfers en koppeltekens).",
         "Unique key (lowercase letters, digits and hyphens).", required=True)
_TASKS = _f("tasks", "texts", "Gepubliceerde taken.", "Published tasks.")
_UNIT_URI = _f("uri", "uri", "Officiële identificatie, bijv. de TOOI-URI uit het Register van "
              "Overheidsorganisaties.",
              "Official identifier, e.g. the TOOI URI from the government's register of "
              "organisations.")
_HEAD = _f("head", "ref", "Leidinggevende (persoon).", "Head of the unit (a person).",
           refs=("person",))
_FTE = _f("fte", "number", "Formatie in fte.", "Staff in full-time equivalents.", minimum=0)
_VACANCIES = _f("vacancies", "int", "Aantal openstaande vacatures.", "Open vacancies.",
                minimum=0)

SPECS: dict[str, tuple[Field, ...]] = {
    "register": (
        _f("schema", "enum", "Versie van het gegevensformaat.", "Version of the data format.",
           required=True, choices=(1,)),
        _f("organisation", "object", "De organisatie die het register beschrijft.",
           "The organisation the register describes.", spec="organisation"),
        _f("settings", "object", "Instellingen.", "Settings.", spec="settings"),
        _f("directorates", "objects", "Directies met hun afdelingen.",
           "Directorates with their departments.", spec="directorate"),
        _f("people", "objects", "Medewerkers.", "People.", spec="person"),
        _f("dossiers", "objects", "Dossiers (onderwerpen) met eigenaar en penvoerder.",
           "Dossiers (topics) with owner and penvoerder.", spec="dossier"),
        _f("processes", "objects", "Processen met penvoerder en verplicht betrokken directies.",
           "Processes with penvoerder and directorates that must be involved.", spec="process"),
        _f("collaborations", "objects", "Samenwerkingsverbanden.", "Collaborations.",
           spec="collaboration"),
        _f("themes", "objects", "Thema's: welke directies bij een onderwerp betrokken moeten "
           "worden.", "Themes: which directorates a topic must involve.", spec="theme"),
        _f("external", "objects", "Eenheden buiten de organisatie (CDS, defensieonderdelen, "
           "NAVO/EU, andere ministeries).",
           "Units outside the organisation (CDS, the services, NATO/EU, other ministries).",
           spec="external"),
        _f("synonyms", "synonyms",
           "Synoniemen voor het zoeken: een lijst van sets van termen die hetzelfde betekenen "
           "(bijv. [cao, arbeidsvoorwaarden, salaris]).",
           "Synonyms for search: a list of sets of terms that mean the same "
           "(e.g. [cao, arbeidsvoorwaarden, salaris])."),
    ),
    "organisation": (
        _ID,
        _f("name", "text", "Naam.", "Name.", required=True),
        _UNIT_URI,
        _f("parent", "text", "Bovenliggende organisatie.", "Parent organisation."),
        _f("parent_uri", "uri", "URI van de bovenliggende organisatie (bijv. TOOI).",
           "URI of the parent organisation (e.g. TOOI)."),
        _f("head", "ref", "Leiding van de organisatie (de directeur-generaal).",
           "Head of the organisation (the director-general).", refs=("person",)),
    ),
    "settings": (
        _f("stale_after_days", "int", "Na hoeveel dagen een bevestiging verouderd is.",
           "Days after which a confirmation is stale.", minimum=1),
        _f("base_uri", "uri", "Basis voor de URI's van de knopen in de graaf.",
           "Base of the IRIs of the graph's nodes."),
        _f("silo_threshold", "number",
           "Referentielijn op de E-I-index (getoond, bepaalt het silosignaal niet).",
           "Reference line on the E-I index (shown; it does not set the silo flag).",
           minimum=-1, maximum=1),
        _f("silo_reach_threshold", "number",
           "Silo als minder dan dit aandeel van de medewerkers een actuele band buiten de "
           "directie heeft (en het sectorale aandeel de drempel haalt). Standaard 0,5.",
           "Silo when fewer than this share of its people have a current tie outside the "
           "directorate (and the sectoral share reaches its threshold). Default 0.5.",
           minimum=0, maximum=1),
        _f("silo_sectoral_threshold", "number",
           "Silo als minstens dit aandeel van de actieve dossiers geen andere directie "
           "betrekt (en het bereik onder de drempel ligt). Standaard 0,5.",
           "Silo when at least this share of its active dossiers involves no other "
           "directorate (and its reach is below its threshold). Default 0.5.",
           minimum=0, maximum=1),
        _f("tie_window_days", "int",
           "Een samenwerking die langer dan zoveel dagen geleden eindigde verbindt niemand "
           "meer. Standaard 730.",
           "A collaboration that ended more than this many days ago ties no one. "
           "Default 730.", minimum=0),
        _f("min_junction_weight", "int",
           "Een integrerend × functioneel paar met minder werkcontexten (gedeelde "
           "samenwerkingen en dossiers) is een zwakke schakel. Standaard 3.",
           "An integrating × functional pair with fewer working contexts (shared "
           "collaborations and dossiers) is a weak junction. Default 3.", minimum=1),
        _f("factor_window_days", "int",
           "Het succesfactorenprofiel telt evaluaties van zoveel dagen terug. Standaard 730.",
           "The success-factor profile counts evaluations of this many days back. "
           "Default 730.", minimum=1),
        _f("max_active_dossiers", "int",
           "Boven dit aantal actieve dossiers is iemand overbelast (standaard 8).",
           "Above this many active dossiers a person is overloaded (default 8).", minimum=1),
        _f("late_after_days", "int",
           "Betrokkenheid later dan zoveel dagen na de start van een dossier is laat "
           "(standaard 60).",
           "Involvement later than this many days after a dossier's start is late "
           "(default 60).", minimum=0),
        _f("contact", "text", "Bij wie men terecht kan met vragen over het register "
           "(getoond als zoeken niets vindt).",
           "Whom to ask about the register (shown when a search finds nothing)."),
    ),
    "directorate": (
        _ID,
        _f("name", "text", "Naam.", "Name.", required=True),
        _f("abbreviation", "text", "Afkorting.", "Abbreviation."),
        _UNIT_URI,
        _f("axis", "enum", "Rol in het integratiemodel: integrerend, functioneel of staf.",
           "Role in the integration model: integrating, functional or staff.",
           required=True, choices=AXES),
        _HEAD,
        _TASKS,
        _FTE,
        _VACANCIES,
        _REVIEWED,
        _f("departments", "objects", "Afdelingen.", "Departments.", spec="department"),
    ),
    "department": (
        _ID,
        _f("name", "text", "Naam.", "Name.", required=True),
        _f("abbreviation", "text", "Afkorting.", "Abbreviation."),
        _UNIT_URI,
        _HEAD,
        _TASKS,
        _FTE,
        _VACANCIES,
        _REVIEWED,
    ),
    "person": (
        _ID,
        _f("name", "text", "Naam.", "Name.", required=True),
        _f("unit", "ref", "Directie of afdeling waar de persoon werkt.",
           "Directorate or department the person works in.", required=True, refs=UNIT_KINDS),
        _f("function", "text", "Functie.", "Job title."),
        _f("email", "email", "E-mailadres.", "E-mail address."),
        _f("phone", "phone", "Telefoonnummer, met landnummer (+31 …), tussen aanhalingstekens.",
           "Phone number, with country code (+31 …), in quotes."),
        _f("level", "enum",
           "Niveau: management of staf (standaard management voor een leidinggevende, "
           "anders staf).",
           "Level: management or staff (default: management for the head of a unit, "
           "else staff).", choices=LEVELS),
        _REVIEWED,
    ),
    "dossier": (
        _ID,
        _f("title", "text", "Titel.", "Title.", required=True),
        _f("description", "text", "Omschrijving.", "Description."),
        _f("keywords", "texts", "Trefwoorden.", "Keywords."),
        _f("owner", "ref", "Dossierhouder (verantwoordelijk).", "Dossier holder (responsible).",
           refs=("person",)),
        _f("deputy", "ref", "Vervanger van de dossierhouder.", "Stand-in for the owner.",
           refs=("person",)),
        _f("penvoerder", "ref", "Directie die de pen voert; standaard die van de dossierhouder.",
           "Directorate holding the pen; default: the owner's directorate.",
           refs=("directorate",)),
        _f("involved", "involved",
           "Directies, personen of externe eenheden die betrokken moeten worden: een id, of "
           "{id, since, stage} met de datum en fase waarop ze betrokken werden.",
           "Directorates, people or external units who must be consulted: an id, or "
           "{id, since, stage} with the date and stage at which they were brought in.",
           refs=("directorate", "department", "person", "external"), spec="involvement"),
        _f("authority", "ref", "Wie beslist (bevoegdheid): persoon of eenheid.",
           "Who decides (authority): a person or unit.", refs=("person", *UNIT_KINDS)),
        _f("process", "ref", "Proces waartoe het dossier behoort.",
           "Process the dossier belongs to.", refs=("process",)),
        _f("status", "enum", "Status (standaard active).", "Status (default active).",
           choices=DOSSIER_STATUSES),
        _f("start", "date", "Startdatum van het dossier.", "Start date of the dossier."),
        _f("stage", "enum", "Huidige fase van het dossier.", "Current stage of the dossier.",
           choices=STAGES),
        _REVIEWED,
    ),
    "involvement": (
        _f("id", "ref", "Betrokken directie, afdeling, persoon of externe eenheid.",
           "The directorate, department, person or external unit involved.", required=True,
           refs=("directorate", "department", "person", "external")),
        _f("since", "date", "Sinds wanneer betrokken.", "Involved since this date."),
        _f("stage", "enum", "Fase van het dossier waarin de betrokkenheid begon.",
           "Stage of the dossier at which the involvement began.", choices=STAGES),
    ),
    "process": (
        _ID,
        _f("name", "text", "Naam.", "Name.", required=True),
        _f("description", "text", "Omschrijving.", "Description."),
        _f("penvoerder", "ref", "Directie die de pen voert.", "Directorate holding the pen.",
           required=True, refs=("directorate",)),
        _f("involve", "involve", "Directies die betrokken moeten worden: 'all' of een lijst "
           "(ook externe eenheden).",
           "Directorates that must be involved: 'all' or a list (external units too).",
           refs=("directorate", "external")),
        _REVIEWED,
    ),
    "collaboration": (
        _ID,
        _f("name", "text", "Naam.", "Name.", required=True),
        _f("kind", "enum", "Soort samenwerking.", "Kind of collaboration.", required=True,
           choices=COLLABORATION_KINDS),
        _f("mode", "enum", "Vrijwillig of verplicht.", "Voluntary or mandatory.", choices=MODES),
        _f("lead", "ref", "Trekker (persoon).", "Lead (a person).", refs=("person",)),
        _f("members", "refs", "Deelnemers (personen of externe eenheden).",
           "Members (people or external units).", refs=("person", "external")),
        _f("directorates", "refs", "Deelnemende eenheden zonder genoemde personen (ook "
           "externe).", "Units taking part without named members (external ones too).",
           refs=(*UNIT_KINDS, "external")),
        _f("dossiers", "refs", "Dossiers waaraan wordt samengewerkt.",
           "Dossiers the collaboration works on.", refs=("dossier",)),
        _f("purpose", "text", "Doel.", "Purpose."),
        _f("start", "date", "Startdatum.", "Start date.", required=True),
        _f("end", "date", "Einddatum.", "End date."),
        _f("evaluations", "objects", "Evaluaties.", "Evaluations.", spec="evaluation"),
        _REVIEWED,
    ),
    "evaluation": (
        _f("date", "date", "Datum van de evaluatie.", "Date of the evaluation.", required=True),
        _f("worthwhile", "int", "Was het de moeite waard? 1 (nee) tot 5 (zeer).",
           "Was it worthwhile? 1 (no) to 5 (very).", minimum=1, maximum=5),
        _f("lessons", "texts", "Geleerde lessen.", "Lessons learned."),
        _f("factors", "object", "Scores op de zeven succesfactoren, 1 (laag) tot 5 (hoog).",
           "Scores on the seven success factors, 1 (low) to 5 (high).", spec="factors"),
        _f("subfactors", "object",
           "Scores op de subvariabelen van Tabel 2–8 als factor.subvariabele, 1 (laag) tot "
           "5 (hoog); een factor zonder eigen score krijgt de mediaan ervan.",
           "Scores on the sub-variables of Tables 2–8 as factor.subvariable, 1 (low) to "
           "5 (high); a factor without a score of its own takes their median.",
           spec="subfactors"),
        _f("can_do_mentaliteit", "int",
           "De can-do-mentaliteit (§5.4), 1 (laag) tot 5 (hoog).",
           "The can-do mentality (§5.4), 1 (low) to 5 (high).", minimum=1, maximum=5),
        _f("tvb_in_praktijk", "int",
           "TVB's uit het BBD in de praktijk gebracht (§5.4), 1 (laag) tot 5 (hoog).",
           "The TVB of the BBD put into practice (§5.4), 1 (low) to 5 (high).",
           minimum=1, maximum=5),
        _f("scored_by", "refs", "Wie de scores gaf (personen).",
           "Who gave the scores (people).", refs=("person",)),
        _f("absent", "refs", "Wie aan tafel had moeten zitten maar er niet was.",
           "Who should have been at the table but was not.",
           refs=(*UNIT_KINDS, "person", "external")),
        _f("goals_met", "int", "In hoeverre de doelen zijn bereikt, 1 (niet) tot 5 (geheel).",
           "How far the goals were reached, 1 (not) to 5 (fully).", minimum=1, maximum=5),
    ),
    "theme": (
        _ID,
        _f("name", "text", "Naam.", "Name.", required=True),
        _f("match", "texts", "Woorden (of hun stam) in de titel of trefwoorden van een dossier.",
           "Words (or their stems) in a dossier's title or keywords.", required=True),
        _f("involve", "refs", "Directies (of externe eenheden) die betrokken moeten worden.",
           "Directorates (or external units) that must be involved.", required=True,
           refs=("directorate", "external")),
        _f("reason", "text", "Waarom.", "Why."),
    ),
    "external": (
        _ID,
        _f("name", "text", "Naam.", "Name.", required=True),
        _f("abbreviation", "text", "Afkorting.", "Abbreviation."),
        _f("kind", "enum", "Soort: defensieonderdeel, ministerie, internationaal of overig "
           "(standaard overig).",
           "Kind: defensieonderdeel, ministerie, internationaal or overig (default overig).",
           choices=EXTERNAL_KINDS),
    ),
    "factors": tuple(
        _f(name, "int", f"Succesfactor {name}, 1 (laag) tot 5 (hoog).",
           f"Success factor {name}, 1 (low) to 5 (high).", minimum=1, maximum=5)
        for name in FACTORS
    ),
    "subfactors": tuple(
        _f(f"{factor}.{sub}", "int", f"Subvariabele {sub} van {factor}, 1 (laag) tot 5 (hoog).",
           f"Sub-variable {sub} of {factor}, 1 (low) to 5 (high).", minimum=1, maximum=5)
        for factor, subs in SUBFACTORS.items() for sub in subs
    ),
}

#: Which kind of entity each top-level list holds.
KIND_OF_SECTION = {
    "directorates": "directorate",
    "people": "person",
    "dossiers": "dossier",
    "processes": "process",
    "collaborations": "collaboration",
    "themes": "theme",
    "external": "external",
}


def _describe(f: Field) -> str:
    return f"{f.nl} — {f.en}"


def _field_schema(f: Field) -> dict:
    date = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    ref = {"type": "string", "pattern": ID_PATTERN}
    t = f.type
    if t in ("text", "phone"):
        s: dict = {"type": "string", "minLength": 1}
    elif t == "email":
        s = {"type": "string", "format": "email", "minLength": 1}
    elif t == "uri":
        s = {"type": "string", "format": "uri"}
    elif t == "id" or t == "ref":
        s = dict(ref)
    elif t == "date":
        s = dict(date)
    elif t in ("int", "number"):
        s = {"type": "integer" if t == "int" else "number"}
        if f.minimum is not None:
            s["minimum"] = f.minimum
        if f.maximum is not None:
            s["maximum"] = f.maximum
    elif t == "enum":
        s = {"enum": list(f.choices)}
    elif t == "texts":
        s = {"type": "array", "items": {"type": "string", "minLength": 1}}
    elif t == "refs":
        s = {"type": "array", "items": ref, "uniqueItems": True}
    elif t == "involve":
        s = {"oneOf": [{"const": "all"}, {"type": "array", "items": ref, "uniqueItems": True}]}
    elif t == "involved":
        s = {"type": "array", "items": {"oneOf": [ref, {"$ref": f"#/$defs/{f.spec}"}]}}
    elif t == "object":
        s = {"$ref": f"#/$defs/{f.spec}"}
    elif t == "objects":
        s = {"type": "array", "items": {"$ref": f"#/$defs/{f.spec}"}}
    elif t == "synonyms":
        s = {"type": "array", "items": {"type": "array", "minItems": 1,
                                        "items": {"type": "string", "minLength": 1}}}
    else:  # pragma: no cover - a declaration error, caught by the tests
        raise ValueError(f"unknown field type {t!r}")
    s["description"] = _describe(f)
    return s


def _object_schema(spec: str) -> dict:
    fields = SPECS[spec]
    return {
        "type": "object",
        "additionalProperties": False,
        "required": [f.name for f in fields if f.required],
        "properties": {f.name: _field_schema(f) for f in fields},
    }


def json_schema() -> dict:
    """A JSON Schema (draft 2020-12) of format 1, for editors and other tools.

    It checks the shape of one file; cross-references and unique ids are the
    validator's work.
    """
    root = _object_schema("register")
    root["required"] = ["schema"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://tvb.example.org/schema/tvb-1.json",
        "title": "TVB-register, format 1",
        "description": "Wie is wie: taken, verantwoordelijkheden en bevoegdheden — "
        "who is who: tasks, responsibilities and authorities.",
        **root,
        "$defs": {name: _object_schema(name) for name in SPECS if name != "register"},
    }
