"""The viewer's words: Dutch by default, English on request.

The language comes from ``?lang=nl|en`` (kept on every link the page makes) or else from
the browser's ``Accept-Language``; anything else is Dutch.  Domain terms that are Dutch
in both languages (penvoerder, dossierhouder, TVB) stay Dutch in English too.
"""

from __future__ import annotations

from flask import Flask, g, has_request_context, request, url_for
from werkzeug.exceptions import BadRequest

__all__ = ["LANGUAGES", "STRINGS", "t", "select_language", "lang_url", "init_app"]

LANGUAGES = ("nl", "en")

#: UI strings by language; every language has the same keys (a test checks it).
STRINGS: dict[str, dict[str, str]] = {
    "nl": {
        "app.title": "TVB-register",
        "app.tagline": "Wie is wie: taken, verantwoordelijkheden en bevoegdheden",
        "nav.label": "Hoofdmenu",
        "nav.search": "Zoeken",
        "nav.organisation": "Organisatie",
        "nav.integrator": "Integrator",
        "nav.network": "Netwerk",
        "nav.lessons": "Lessen",
        "nav.sparql": "SPARQL",
        "nav.status": "Status",
        "skip": "Naar de inhoud",
        "lang.switch": "English",
        "lang.switch.label": "Switch to English",
        "json.link": "Deze pagina als JSON",
        "footer.version": "Gegevensversie",
        "footer.today": "peildatum",
        "banner.failed": "De laatste wijziging van de gegevens bevat fouten ({n}). "
                         "De vorige, goede versie blijft getoond.",
        "banner.details": "Bekijk de meldingen",
        "banner.none": "Er zijn nog geen geldige gegevens geladen.",
        # search
        "search.heading": "Wie gaat erover?",
        "search.label": "Zoek een onderwerp, persoon of directie",
        "search.placeholder": "bijv. cyber, vastgoed, DMV",
        "search.button": "Zoeken",
        "search.suggestions": "Suggesties",
        "search.suggest_status": "{n} suggesties; pijl omlaag om er een te kiezen",
        "search.results": "Resultaten voor",
        "search.none": "Niets gevonden.",
        "search.best": "Beste antwoord",
        "search.stale": "laatst bevestigd {date}",
        "search.split": "Gezocht op de delen",
        "search.help.units": "Deze eenheid heeft taken die er het dichtst bij komen",
        "search.help.words": "Woorden die er het meest op lijken",
        "search.help.contact": "Vraag het aan",
        "search.didyoumean": "Bedoelde u",
        "search.kind.dossier": "Dossiers",
        "search.kind.unit": "Directies en afdelingen",
        "search.kind.person": "Personen",
        "search.kind.collaboration": "Samenwerkingen",
        "search.directorates": "Directies",
        # entity fields
        "kind.organisation": "organisatie",
        "kind.directorate": "directie",
        "kind.department": "afdeling",
        "kind.person": "persoon",
        "kind.dossier": "dossier",
        "kind.process": "proces",
        "kind.collaboration": "samenwerking",
        "f.name": "Naam",
        "f.abbreviation": "Afkorting",
        "f.axis": "As",
        "axis.integrating": "integrerend",
        "axis.functional": "functioneel",
        "axis.staff": "staf",
        "f.head": "Hoofd",
        "f.tasks": "Taken",
        "f.departments": "Afdelingen",
        "f.people": "Medewerkers",
        "f.directorate": "Directie",
        "f.unit": "Eenheid",
        "f.function": "Functie",
        "f.email": "E-mail",
        "f.phone": "Telefoon",
        "f.reviewed": "Laatst bevestigd",
        "f.never": "nooit",
        "f.owner": "Dossierhouder",
        "f.deputy": "Plaatsvervanger",
        "f.penvoerder": "Penvoerder",
        "f.involved": "Betrokken",
        "f.authority": "Bevoegd gezag",
        "f.process": "Proces",
        "f.status": "Status",
        "status.active": "actief",
        "status.closed": "gesloten",
        "f.keywords": "Trefwoorden",
        "f.description": "Omschrijving",
        "f.involve": "Verplicht te betrekken",
        "f.involve.all": "alle directies (behalve staf)",
        "f.type": "Soort",
        "f.mode": "Deelname",
        "mode.voluntary": "vrijwillig",
        "mode.mandatory": "verplicht",
        "f.lead": "Trekker",
        "f.members": "Leden",
        "f.units": "Deelnemende eenheden",
        "f.purpose": "Doel",
        "f.period": "Periode",
        "f.ended": "beëindigd",
        "f.running": "loopt",
        "f.evaluations": "Evaluaties",
        "f.worthwhile": "De moeite waard",
        "f.lessons": "Lessen",
        "f.factors": "Succesfactoren",
        "f.contact": "Contact",
        "f.dossiers": "Dossiers",
        "e.head_of": "Hoofd van",
        "e.owns": "Dossierhouder van",
        "e.deputy_for": "Plaatsvervanger voor",
        "e.involved_in": "Betrokken bij",
        "e.authority_for": "Bevoegd gezag voor",
        "e.collaborations": "Samenwerkingen",
        "e.role.lead": "trekker",
        "e.role.member": "lid",
        "e.ties": "Banden met",
        "e.ties.count": "gedeelde contexten",
        "e.dossiers_owned": "Dossiers (dossierhouder in deze directie)",
        "e.dossiers_pen": "Dossiers als penvoerder",
        "e.dossiers_involving": "Betrokken bij dossiers van anderen",
        "e.directorate_ties": "Banden met andere directies",
        "e.person_ties": "persoonsbanden",
        "e.shared_collaborations": "samenwerkingen",
        "e.shared_dossiers": "dossiers",
        "e.processes_pen": "Processen als penvoerder",
        "e.processes_required": "Verplicht betrokken bij processen",
        "e.dossiers_following": "Dossiers volgens dit proces",
        "e.collaborations_listing": "Samenwerkingen aan dit dossier",
        "e.involved_directorates": "Betrokken directies (alles meegeteld)",
        "e.findings": "Bevindingen",
        "e.represented": "Vertegenwoordigde directies",
        "e.ei": "E-I-index",
        "e.none": "geen",
        "flag.broker": "makelaar",
        "flag.isolated": "geïsoleerde dossierhouder",
        "flag.spof": "kwetsbare schakel",
        "flag.silo": "silo",
        # integrator
        "int.heading": "Integratordashboard",
        "int.intro": "Alle bevindingen van tvb report, peildatum {today}.",
        "int.summary": "Omvang",
        "sum.directorates": "Directies",
        "sum.departments": "Afdelingen",
        "sum.people": "Personen",
        "sum.dossiers": "Dossiers",
        "sum.collaborations": "Samenwerkingen",
        "int.silos": "Silo's: muren tussen directies",
        "int.silos.explain": "Een muur is sectoraal beleid: ‘beleid dat past binnen één "
                             "beleidsterrein en waar niet grensoverschrijdend gewerkt wordt’ "
                             "(Het doorbreken van muren, §2.5). Een directie is een silo als "
                             "minder dan {reach} van haar mensen een actuele band met een "
                             "andere directie heeft én minstens {sectoral} van haar actieve "
                             "dossiers geen andere directie betrekt. Banden zijn actueel: een "
                             "samenwerking die meer dan {window} dagen geleden eindigde telt "
                             "niet. De E-I-index, (extern − intern) / (extern + intern), staat "
                             "ernaast maar bepaalt het signaal niet: die beweegt met de omvang "
                             "van interne teams.",
        "int.flagged": "gemarkeerd",
        "int.internal": "intern",
        "int.external": "extern",
        "int.brokers": "Makelaars",
        "int.brokers.explain": "Hoogste betweenness-centraliteit in het personennetwerk "
                               "({method}).",
        "int.method.exact": "exact",
        "int.method.sampled": "steekproef van {k}, seed {seed}",
        "int.betweenness": "betweenness",
        "int.degree": "banden",
        "int.reached": "directies bereikt",
        "int.isolated": "Geïsoleerde dossierhouders",
        "int.spof": "Kwetsbare schakels (single points of failure)",
        "int.separates": "scheidt",
        "int.missing": "Ontbrekende verbindingen",
        "int.missing.integration-model": "Integratiemodel: geen enkele band",
        "int.missing.process": "Proces vraagt een directie die niet betrokken is",
        "int.missing.overlap": "Overlap: mogelijk dubbel werk",
        "int.matrix": "Integratiemodel: functioneel × integrerend",
        "int.matrix.explain": "Aantal banden per paar (persoonsbanden + gedeelde samenwerkingen "
                              "+ dossiers). Een leeg vak is een ontbrekende verbinding.",
        "int.matrix.empty": "geen band",
        "int.upkeep": "Onderhoud",
        "int.stale": "Niet recent bevestigd",
        "int.unowned": "Actieve dossiers zonder dossierhouder",
        "int.unevaluated": "Samenwerkingen zonder recente evaluatie",
        "int.factors": "Succesfactoren",
        "int.none": "Geen.",
        "int.days": "dagen",
        "int.more": "En nog {n}.",
        "int.show_all": "Toon alles",
        "int.pages": "Pagina's",
        "int.page": "Pagina {page} van {pages} ({n} regels per lijst).",
        "int.next_page": "Volgende pagina",
        "int.prev_page": "Vorige pagina",
        # network
        "net.heading": "Netwerk",
        "net.view": "Weergave",
        "net.view.people": "Personen",
        "net.view.directorates": "Directies",
        "net.filter": "Directie",
        "net.filter.all": "Alle directies",
        "net.apply": "Toon",
        "net.legend": "Legenda",
        "net.nodes": "knopen",
        "net.edges": "verbindingen",
        "net.loading": "Netwerk wordt getekend…",
        "net.noscript": "Voor de tekening is JavaScript nodig; de lijsten hieronder werken zonder.",
        "net.highlighted": "Uitgelicht",
        "net.figure": "Netwerktekening",
        # lessons
        "les.heading": "Lessenboek",
        "les.intro": "Alle lessen uit de evaluaties van samenwerkingen, nieuwste eerst.",
        "les.search": "Zoek in de lessen",
        "les.profile": "Profiel van de succesfactoren",
        "les.profile.explain": "Hetzelfde profiel als op het integratordashboard.",
        "les.mean": "gemiddelde",
        "les.n": "aantal",
        "les.count": "{n} evaluaties",
        "les.none": "Geen lessen gevonden.",
        "level.1": "in lage mate aanwezig",
        "level.2": "in lage tot gedeeltelijke mate aanwezig",
        "level.3": "in gedeeltelijke mate aanwezig",
        "level.4": "in gedeeltelijke tot hoge mate aanwezig",
        "level.5": "in hoge mate aanwezig",
        "level.none": "niet gescoord",
        "factor.urgentie": "Urgentie",
        "factor.steun": "Steun",
        "factor.verwachtingen": "Verwachtingen",
        "factor.leiderschap": "Leiderschap",
        "factor.middelen": "Middelen",
        "factor.werkwijze": "Werkwijze",
        "factor.evaluatie": "Evaluatie",
        # sparql
        "sp.heading": "SPARQL",
        "sp.intro": "Alleen-lezen SPARQL 1.1 op de kennisgraaf. Maximaal {rows} rijen, "
                    "{timeout} seconden.",
        "sp.query": "Query",
        "sp.format": "Uitvoer",
        "sp.run": "Uitvoeren",
        "sp.results": "Resultaat",
        "sp.rows": "{n} rijen",
        "sp.truncated": "Afgekapt na {n} rijen.",
        "sp.disabled": "Het SPARQL-endpoint staat uit.",
        "sp.true": "waar",
        "sp.examples": "Voorbeelden",
        "sp.false": "onwaar",
        # the ontology page (/def/tvb)
        "onto.intro": "De begrippen van het TVB-register die geen standaardwoordenschat "
                      "kent. Al het andere gebruikt W3C ORG, FOAF, SKOS, DCTERMS en PROV.",
        "onto.download": "Downloaden",
        "onto.classes": "Klassen",
        "onto.properties": "Eigenschappen",
        "onto.schemes": "Begrippenschema's",
        "onto.super": "Verfijnt",
        "onto.domain": "Domein",
        "onto.range": "Bereik",
        # status
        "st.heading": "Status",
        "st.loaded": "Geladen",
        "st.sources": "Bronnen",
        "st.version": "Gegevensversie",
        "st.today": "Peildatum",
        "st.last_errors": "Fouten in de laatste wijziging",
        "st.last_errors.none": "De laatste wijziging is zonder fouten geladen.",
        "st.warnings": "Waarschuwingen in de getoonde versie",
        "st.position": "Plaats",
        "st.code": "Code",
        "st.message": "Melding",
        # errors
        "err.heading": "Fout {status}",
        "err.404": "Niet gevonden",
        "err.back": "Terug naar zoeken",
        # sign-in, roles, accessibility (web/auth.py, web/accessibility.py)
        "role.lezer": "lezer",
        "role.integrator": "integrator",
        "role.beheerder": "beheerder",
        "role.none": "geen rol",
        "auth.signin": "Aanmelden",
        "auth.signout": "Afmelden",
        "auth.signed_out": "U bent afgemeld",
        "auth.signed_out.more": "Uw sessie bij het TVB-register is beëindigd. De "
                                "aanmelding bij uw organisatie kan nog actief zijn; sluit "
                                "de browser op een gedeelde computer.",
        "auth.csrf": "Dit formulier is verlopen of komt niet van deze site. Laad de pagina "
                     "opnieuw en probeer het nog eens.",
        "auth.needed.oidc": "Meld u aan om het TVB-register te zien.",
        "auth.needed.proxy": "Het TVB-register is alleen te zien na aanmelding via het "
                             "intranetportaal.",
        "auth.norole": "Uw account heeft geen rol in het TVB-register. Vraag de beheerder "
                       "om u toe te voegen aan een van de groepen van het register.",
        "auth.forbidden": "Uw rol geeft geen toegang tot deze pagina.",
        "auth.refused": "Aanmelden is geweigerd: {reason}. Er is niets van het register "
                        "getoond; probeer opnieuw of meld dit bij de beheerder.",
        "auth.not_oidc": "Aanmelden via OpenID Connect staat niet aan.",
        "auth.idp_down": "De aanmeldvoorziening van de organisatie is niet bereikbaar. "
                         "Probeer het later opnieuw.",
        "auth.nogroups": "het ID-token bevat geen groepen (claim '{claim}')",
        "footer.open": "Open modus: geen aanmelding. Bedoeld voor één persoon op de eigen "
                       "computer; iedereen die deze pagina bereikt, ziet alles.",
        "net.table": "Het netwerk als tabel",
        "net.table.explain": "Dezelfde knopen en bevindingen als in de tekening, met de "
                             "banden van elke knoop (het gewicht tussen haakjes).",
        "net.table.node": "Knoop",
        "net.table.findings": "Bevindingen",
        "net.table.degree": "Aantal banden",
        "net.table.ties": "Verbonden met",
        "a11y.link": "Toegankelijkheid",
        "a11y.heading": "Toegankelijkheidsverklaring",
        "a11y.level": "Het TVB-register voldoet aan {standard} niveau {level}, voor zover "
                      "getest.",
        "a11y.how": "Hoe dit getest wordt",
        "a11y.axe": "Elke pagina (elk soort entiteit, het integratordashboard, het netwerk, "
                    "de lessen, het SPARQL-formulier, de status) wordt in het Nederlands en "
                    "het Engels met axe-core gecontroleerd op de regels {tags}; er mogen "
                    "geen overtredingen zijn.",
        "a11y.keyboard": "Een test doorloopt met alleen het toetsenbord de weg van het "
                         "zoekveld naar een dossier en naar het e-mailadres van de "
                         "dossierhouder, en controleert dat de focus steeds zichtbaar is.",
        "a11y.colour": "De balken van het dashboard, de matrix en de legenda van het "
                       "netwerk dragen hun betekenis ook in tekst, niet alleen in kleur.",
        "a11y.network": "De netwerktekening heeft een tabel met dezelfde knopen en "
                        "bevindingen als alternatief.",
        "a11y.tests": "De tests staan in",
        "a11y.contact.h": "Een probleem melden",
        "a11y.contact": "Loopt u tegen een toegankelijkheidsprobleem aan? Meld het bij de "
                        "beheerders van het register (zie de README); wij reageren binnen "
                        "vijf werkdagen.",
        "int.reach": "bereik",
        "int.per_person": "externe banden p.p.",
        "int.sectoral": "sectorale dossiers",
        "int.tied": "banden met",
        "int.expected_missing": "verwacht, geen band",
        "int.levels": "Per niveau: management en staf",
        "int.levels.explain": "Dezelfde maten op de banden tussen managers onderling en tussen "
                              "stafmedewerkers onderling. Het onderzoek vond: ‘Op het hogere "
                              "managementniveau weet iedereen elkaar te vinden. Op lager "
                              "managementniveau, het niveau van de dossierhouders, niet’ "
                              "(§7.3.1).",
        "int.level": "niveau",
        "int.ties": "banden",
        "int.external_ties": "tussen directies",
        "int.silos_n": "silo's",
        "int.isolated_n": "geïsoleerd",
        "int.top_brokers": "Makelaars",
        "level.management": "Management",
        "level.staff": "Staf",
        "int.weak": "Zwakke schakels",
        "int.weak.explain": "Paren integrerend × functioneel met minder dan {min} werkcontexten "
                            "(gedeelde actuele samenwerkingen + dossiers die de ander "
                            "betrekken). Het integratiemodel verwacht dat elk paar samenwerkt.",
        "int.contexts": "werkcontexten",
        "int.matrix.weak": "zwak",
        "prof.explain": "Mediaan en spreiding (interkwartielafstand) van de scores van "
                        "evaluaties sinds {since} ({days} dagen); een factor zonder eigen score "
                        "krijgt de mediaan van zijn subvariabelen. Het niveau volgt de schaal "
                        "van Tabel 9; de nulmeting is het oordeel over het hele DGB in 2021 "
                        "(Tabel 18).",
        "prof.median": "mediaan",
        "prof.spread": "spreiding",
        "prof.n": "evaluaties",
        "prof.baseline": "2021 (Tabel 18)",
        "prof.scorers": "scoorders",
        "prof.by_year": "Per jaar",
        "prof.year": "jaar",
        "prof.subfactors": "Subvariabelen",
        "f.scored_by": "gescoord door",
        "factor.can_do_mentaliteit": "Can-do-mentaliteit",
        "factor.tvb_in_praktijk": "TVB in de praktijk",
        # issue 13: who should be involved, when, who covers, whose task
        "inv.should": "Wie had betrokken moeten zijn",
        "inv.should.explain": "Dossiers die bij een thema horen terwijl een directie die het "
                              "thema vraagt niet betrokken is, en wie bij een evaluatie aan "
                              "tafel ontbrak.",
        "inv.should.theme": "{unit} zou betrokken moeten zijn: {theme}",
        "inv.should.absent": "{unit} ontbrak aan tafel bij ‘{collaboration}’ ({date})",
        "inv.late": "Laat betrokken",
        "inv.late.explain": "Directies die een proces of thema vraagt en die later dan {days} "
                            "dagen na de start, of pas vanaf de fase besluitvorming, zijn "
                            "betrokken.",
        "inv.late.row": "{unit} laat betrokken bij ‘{dossier}’",
        "inv.late.days": "{n} dagen na de start ({start})",
        "inv.late.stage": "pas in de fase {stage}",
        "inv.cover": "Vervanging en capaciteit",
        "inv.cover.explain": "Niemand kan een collega opvangen als een dossier geen vervanger "
                             "heeft. Grens: {max} actieve dossiers per persoon.",
        "inv.cover.active": "Actieve dossiers",
        "inv.cover.no_deputy": "Zonder vervanger",
        "inv.cover.fte": "Fte",
        "inv.cover.per_fte": "Dossiers per fte",
        "inv.cover.vacancies": "Vacatures",
        "inv.cover.overloaded": "Overbelast",
        "inv.cover.problems": "Vervanger kan niet invallen",
        "inv.cover.problem.unknown": "{deputy} staat niet (meer) in het register",
        "inv.cover.problem.owner": "de dossierhouder is zijn eigen vervanger",
        "inv.cover.dossiers": "Dossiers zonder vervanger",
        "inv.task": "Wiens taak is het?",
        "inv.task.explain": "Taken en dossiers vergeleken op hun woorden (stammen).",
        "inv.task.uncovered": "Taken zonder actief dossier",
        "inv.task.unclear": "Dossiers die passen bij de taken van een andere directie die niet "
                            "betrokken is",
        "inv.task.unclear.row": "‘{dossier}’ past bij een taak van {unit}: ‘{task}’",
        "inv.task.overlap": "Overlappende taken van verschillende directies",
        "inv.task.overlap.row": "{a}: ‘{ta}’ en {b}: ‘{tb}’",
        "inv.shared": "gedeeld",
        "inv.load": "Belasting",
        "inv.load.text": "{n} actieve dossiers als dossierhouder (grens {max}), vervanger "
                         "voor {d}",
        "inv.no_deputy": "Geen vervanger: niemand kan dit dossier overnemen.",
        "inv.start": "Start",
        "inv.stage": "Fase",
        "inv.since": "sinds {date}",
        "inv.at_stage": "vanaf {stage}",
        "kind.external": "externe eenheid",
        "kind.theme": "thema",
    },
    "en": {
        "app.title": "TVB register",
        "app.tagline": "Who is who: tasks, responsibilities and authorities",
        "nav.label": "Main menu",
        "nav.search": "Search",
        "nav.organisation": "Organisation",
        "nav.integrator": "Integrator",
        "nav.network": "Network",
        "nav.lessons": "Lessons",
        "nav.sparql": "SPARQL",
        "nav.status": "Status",
        "skip": "Skip to content",
        "lang.switch": "Nederlands",
        "lang.switch.label": "Schakel naar Nederlands",
        "json.link": "This page as JSON",
        "footer.version": "Data version",
        "footer.today": "reference date",
        "banner.failed": "The latest change to the data has errors ({n}). "
                         "The previous good version is still shown.",
        "banner.details": "See the diagnostics",
        "banner.none": "No valid data has been loaded yet.",
        "search.heading": "Who is in charge?",
        "search.label": "Search a topic, person or directorate",
        "search.placeholder": "e.g. cyber, vastgoed, DMV",
        "search.button": "Search",
        "search.suggestions": "Suggestions",
        "search.suggest_status": "{n} suggestions; arrow down to choose one",
        "search.results": "Results for",
        "search.none": "Nothing found.",
        "search.best": "Best answer",
        "search.stale": "last confirmed {date}",
        "search.split": "Searched for the parts",
        "search.help.units": "This unit's tasks come closest",
        "search.help.words": "The closest words",
        "search.help.contact": "Ask",
        "search.didyoumean": "Did you mean",
        "search.kind.dossier": "Dossiers",
        "search.kind.unit": "Directorates and departments",
        "search.kind.person": "People",
        "search.kind.collaboration": "Collaborations",
        "search.directorates": "Directorates",
        "kind.organisation": "organisation",
        "kind.directorate": "directorate",
        "kind.department": "department",
        "kind.person": "person",
        "kind.dossier": "dossier",
        "kind.process": "process",
        "kind.collaboration": "collaboration",
        "f.name": "Name",
        "f.abbreviation": "Abbreviation",
        "f.axis": "Axis",
        "axis.integrating": "integrating",
        "axis.functional": "functional",
        "axis.staff": "staff",
        "f.head": "Head",
        "f.tasks": "Tasks",
        "f.departments": "Departments",
        "f.people": "Staff",
        "f.directorate": "Directorate",
        "f.unit": "Unit",
        "f.function": "Function",
        "f.email": "E-mail",
        "f.phone": "Phone",
        "f.reviewed": "Last confirmed",
        "f.never": "never",
        "f.owner": "Dossierhouder (owner)",
        "f.deputy": "Deputy",
        "f.penvoerder": "Penvoerder",
        "f.involved": "Involved",
        "f.authority": "Authority",
        "f.process": "Process",
        "f.status": "Status",
        "status.active": "active",
        "status.closed": "closed",
        "f.keywords": "Keywords",
        "f.description": "Description",
        "f.involve": "Must involve",
        "f.involve.all": "all directorates (except staff)",
        "f.type": "Kind",
        "f.mode": "Participation",
        "mode.voluntary": "voluntary",
        "mode.mandatory": "mandatory",
        "f.lead": "Lead",
        "f.members": "Members",
        "f.units": "Participating units",
        "f.purpose": "Purpose",
        "f.period": "Period",
        "f.ended": "ended",
        "f.running": "running",
        "f.evaluations": "Evaluations",
        "f.worthwhile": "Worthwhile",
        "f.lessons": "Lessons",
        "f.factors": "Success factors",
        "f.contact": "Contact",
        "f.dossiers": "Dossiers",
        "e.head_of": "Head of",
        "e.owns": "Owner of",
        "e.deputy_for": "Deputy for",
        "e.involved_in": "Involved in",
        "e.authority_for": "Authority for",
        "e.collaborations": "Collaborations",
        "e.role.lead": "lead",
        "e.role.member": "member",
        "e.ties": "Ties to",
        "e.ties.count": "shared contexts",
        "e.dossiers_owned": "Dossiers (owner in this directorate)",
        "e.dossiers_pen": "Dossiers as penvoerder",
        "e.dossiers_involving": "Involved in other directorates' dossiers",
        "e.directorate_ties": "Ties to other directorates",
        "e.person_ties": "person ties",
        "e.shared_collaborations": "collaborations",
        "e.shared_dossiers": "dossiers",
        "e.processes_pen": "Processes as penvoerder",
        "e.processes_required": "Required in processes",
        "e.dossiers_following": "Dossiers following this process",
        "e.collaborations_listing": "Collaborations on this dossier",
        "e.involved_directorates": "Involved directorates (all counted)",
        "e.findings": "Findings",
        "e.represented": "Represented directorates",
        "e.ei": "E-I index",
        "e.none": "none",
        "flag.broker": "broker",
        "flag.isolated": "isolated dossier holder",
        "flag.spof": "single point of failure",
        "flag.silo": "silo",
        "int.heading": "Integrator dashboard",
        "int.intro": "All findings of tvb report, reference date {today}.",
        "int.summary": "Size",
        "sum.directorates": "Directorates",
        "sum.departments": "Departments",
        "sum.people": "People",
        "sum.dossiers": "Dossiers",
        "sum.collaborations": "Collaborations",
        "int.silos": "Silos: walls between directorates",
        "int.silos.explain": "A wall is sectoral policy: ‘policy that fits within one policy "
                             "field and where no work crosses the border’ (Het doorbreken van "
                             "muren, §2.5). A directorate is a silo when fewer than {reach} of "
                             "its people have a current tie to another directorate and at least "
                             "{sectoral} of its active dossiers involve no other directorate. "
                             "Ties are current: a collaboration that ended more than {window} "
                             "days ago does not count. The E-I index, (external − internal) / "
                             "(external + internal), is shown beside them but does not set the "
                             "flag: it moves with the size of internal teams.",
        "int.flagged": "flagged",
        "int.internal": "internal",
        "int.external": "external",
        "int.brokers": "Brokers",
        "int.brokers.explain": "Highest betweenness centrality in the people network ({method}).",
        "int.method.exact": "exact",
        "int.method.sampled": "sample of {k}, seed {seed}",
        "int.betweenness": "betweenness",
        "int.degree": "ties",
        "int.reached": "directorates reached",
        "int.isolated": "Isolated dossier holders",
        "int.spof": "Single points of failure",
        "int.separates": "separates",
        "int.missing": "Missing links",
        "int.missing.integration-model": "Integration model: no tie at all",
        "int.missing.process": "Process requires a directorate that is not involved",
        "int.missing.overlap": "Overlap: possible duplicate",
        "int.matrix": "Integration model: functional × integrating",
        "int.matrix.explain": "Number of ties per pair (person ties + shared collaborations + "
                              "dossiers). An empty cell is a missing link.",
        "int.matrix.empty": "no tie",
        "int.upkeep": "Upkeep",
        "int.stale": "Not recently confirmed",
        "int.unowned": "Active dossiers without an owner",
        "int.unevaluated": "Collaborations without a recent evaluation",
        "int.factors": "Success factors",
        "int.none": "None.",
        "int.days": "days",
        "int.more": "And {n} more.",
        "int.show_all": "Show all",
        "int.pages": "Pages",
        "int.page": "Page {page} of {pages} ({n} rows per list).",
        "int.next_page": "Next page",
        "int.prev_page": "Previous page",
        "net.heading": "Network",
        "net.view": "View",
        "net.view.people": "People",
        "net.view.directorates": "Directorates",
        "net.filter": "Directorate",
        "net.filter.all": "All directorates",
        "net.apply": "Show",
        "net.legend": "Legend",
        "net.nodes": "nodes",
        "net.edges": "edges",
        "net.loading": "Drawing the network…",
        "net.noscript": "The drawing needs JavaScript; the lists below work without it.",
        "net.highlighted": "Highlighted",
        "net.figure": "Network drawing",
        "les.heading": "Lessons book",
        "les.intro": "Every lesson from the evaluations of collaborations, newest first.",
        "les.search": "Search the lessons",
        "les.profile": "Profile of the success factors",
        "les.profile.explain": "The same profile as on the integrator dashboard.",
        "les.mean": "mean",
        "les.n": "count",
        "les.count": "{n} evaluations",
        "les.none": "No lessons found.",
        "level.1": "present to a low degree",
        "level.2": "present to a low to partial degree",
        "level.3": "partially present",
        "level.4": "present to a partial to high degree",
        "level.5": "present to a high degree",
        "level.none": "not scored",
        "factor.urgentie": "Urgency",
        "factor.steun": "Support",
        "factor.verwachtingen": "Expectations",
        "factor.leiderschap": "Leadership",
        "factor.middelen": "Resources",
        "factor.werkwijze": "Way of working",
        "factor.evaluatie": "Evaluation",
        "sp.heading": "SPARQL",
        "sp.intro": "Read-only SPARQL 1.1 on the knowledge graph. At most {rows} rows, "
                    "{timeout} seconds.",
        "sp.query": "Query",
        "sp.format": "Output",
        "sp.run": "Run",
        "sp.results": "Result",
        "sp.rows": "{n} rows",
        "sp.truncated": "Cut off after {n} rows.",
        "sp.disabled": "The SPARQL endpoint is switched off.",
        "sp.true": "true",
        "sp.examples": "Examples",
        "sp.false": "false",
        # the ontology page (/def/tvb)
        "onto.intro": "The terms of the TVB-register that no standard vocabulary has. "
                      "Everything else uses W3C ORG, FOAF, SKOS, DCTERMS and PROV.",
        "onto.download": "Download",
        "onto.classes": "Classes",
        "onto.properties": "Properties",
        "onto.schemes": "Concept schemes",
        "onto.super": "Refines",
        "onto.domain": "Domain",
        "onto.range": "Range",
        "st.heading": "Status",
        "st.loaded": "Loaded",
        "st.sources": "Sources",
        "st.version": "Data version",
        "st.today": "Reference date",
        "st.last_errors": "Errors in the latest change",
        "st.last_errors.none": "The latest change loaded without errors.",
        "st.warnings": "Warnings in the version shown",
        "st.position": "Position",
        "st.code": "Code",
        "st.message": "Message",
        "err.heading": "Error {status}",
        "err.404": "Not found",
        "err.back": "Back to search",
        # sign-in, roles, accessibility (web/auth.py, web/accessibility.py)
        "role.lezer": "reader",
        "role.integrator": "integrator",
        "role.beheerder": "administrator",
        "role.none": "no role",
        "auth.signin": "Sign in",
        "auth.signout": "Sign out",
        "auth.signed_out": "You are signed out",
        "auth.signed_out.more": "Your session with the TVB register has ended. Your "
                                "organisation's sign-in may still be active; close the "
                                "browser on a shared computer.",
        "auth.csrf": "This form has expired or did not come from this site. Reload the "
                     "page and try again.",
        "auth.needed.oidc": "Sign in to see the TVB register.",
        "auth.needed.proxy": "The TVB register can only be seen after signing in through "
                             "the intranet portal.",
        "auth.norole": "Your account has no role in the TVB register. Ask the "
                       "administrator to add you to one of the register's groups.",
        "auth.forbidden": "Your role does not give access to this page.",
        "auth.refused": "Sign-in refused: {reason}. Nothing of the register was shown; "
                        "try again or tell the administrator.",
        "auth.not_oidc": "Sign-in through OpenID Connect is not switched on.",
        "auth.idp_down": "The organisation's sign-in service cannot be reached. Try again "
                         "later.",
        "auth.nogroups": "the ID token carries no groups (claim '{claim}')",
        "footer.open": "Open mode: no sign-in. Meant for one person on their own "
                       "computer; anyone who reaches this page sees everything.",
        "net.table": "The network as a table",
        "net.table.explain": "The same nodes and findings as in the drawing, with each "
                             "node's ties (the weight in brackets).",
        "net.table.node": "Node",
        "net.table.findings": "Findings",
        "net.table.degree": "Ties",
        "net.table.ties": "Tied to",
        "a11y.link": "Accessibility",
        "a11y.heading": "Accessibility statement",
        "a11y.level": "The TVB register meets {standard} level {level}, as far as tested.",
        "a11y.how": "How this is tested",
        "a11y.axe": "Every page (each kind of entity, the integrator dashboard, the "
                    "network, the lessons, the SPARQL form, the status) is checked with "
                    "axe-core in Dutch and in English against the rules {tags}; no "
                    "violation is allowed.",
        "a11y.keyboard": "A test walks with the keyboard alone from the search box to a "
                         "dossier and on to its owner's e-mail address, and checks that "
                         "the focus is visible all the way.",
        "a11y.colour": "The dashboard's bars, the matrix and the network legend carry "
                       "their meaning in text too, not in colour alone.",
        "a11y.network": "The network drawing has a table with the same nodes and "
                        "findings as an alternative.",
        "a11y.tests": "The tests are in",
        "a11y.contact.h": "Report a problem",
        "a11y.contact": "Do you run into an accessibility problem? Tell the register's "
                        "maintainers (see the README); we answer within five working "
                        "days.",
        "int.reach": "reach",
        "int.per_person": "external ties per person",
        "int.sectoral": "sectoral dossiers",
        "int.tied": "tied with",
        "int.expected_missing": "expected, no tie",
        "int.levels": "By level: management and staff",
        "int.levels.explain": "The same measures on the ties among managers and among staff. "
                              "The study found: ‘At the higher management level everyone finds "
                              "each other. At the lower level, that of the dossier holders, "
                              "they do not’ (§7.3.1).",
        "int.level": "level",
        "int.ties": "ties",
        "int.external_ties": "between directorates",
        "int.silos_n": "silos",
        "int.isolated_n": "isolated",
        "int.top_brokers": "Brokers",
        "level.management": "Management",
        "level.staff": "Staff",
        "int.weak": "Weak junctions",
        "int.weak.explain": "Integrating × functional pairs with fewer than {min} working "
                            "contexts (shared current collaborations + dossiers involving the "
                            "other). The integration model expects every pair to work together.",
        "int.contexts": "working contexts",
        "int.matrix.weak": "weak",
        "prof.explain": "Median and spread (interquartile range) of the scores of evaluations "
                        "since {since} ({days} days); a factor without a score of its own takes "
                        "the median of its sub-variables. The level follows the scale of Table "
                        "9; the baseline is the study's DGB-wide assessment of 2021 (Table 18).",
        "prof.median": "median",
        "prof.spread": "spread",
        "prof.n": "evaluations",
        "prof.baseline": "2021 (Table 18)",
        "prof.scorers": "scorers",
        "prof.by_year": "By year",
        "prof.year": "year",
        "prof.subfactors": "Sub-variables",
        "f.scored_by": "scored by",
        "factor.can_do_mentaliteit": "Can-do mentality",
        "factor.tvb_in_praktijk": "TVB in practice",
        "inv.should": "Who should have been involved",
        "inv.should.explain": "Dossiers that belong to a theme while a directorate the theme "
                              "asks for is not involved, and who was missing at the table of "
                              "an evaluation.",
        "inv.should.theme": "{unit} should be involved: {theme}",
        "inv.should.absent": "{unit} was missing at the table of ‘{collaboration}’ ({date})",
        "inv.late": "Involved late",
        "inv.late.explain": "Directorates that a process or theme asks for, brought in more "
                            "than {days} days after the start, or only from the decision "
                            "stage.",
        "inv.late.row": "{unit} brought into ‘{dossier}’ late",
        "inv.late.days": "{n} days after the start ({start})",
        "inv.late.stage": "only at stage {stage}",
        "inv.cover": "Cover and capacity",
        "inv.cover.explain": "Nobody can take over from a colleague when a dossier has no "
                             "deputy. Limit: {max} active dossiers per person.",
        "inv.cover.active": "Active dossiers",
        "inv.cover.no_deputy": "Without deputy",
        "inv.cover.fte": "FTE",
        "inv.cover.per_fte": "Dossiers per FTE",
        "inv.cover.vacancies": "Vacancies",
        "inv.cover.overloaded": "Overloaded",
        "inv.cover.problems": "Deputy cannot stand in",
        "inv.cover.problem.unknown": "{deputy} is not (or no longer) in the register",
        "inv.cover.problem.owner": "the owner is their own deputy",
        "inv.cover.dossiers": "Dossiers without a deputy",
        "inv.task": "Whose task is it?",
        "inv.task.explain": "Tasks and dossiers compared by their words (stems).",
        "inv.task.uncovered": "Tasks without an active dossier",
        "inv.task.unclear": "Dossiers that fit the tasks of another directorate that is not "
                            "involved",
        "inv.task.unclear.row": "‘{dossier}’ fits a task of {unit}: ‘{task}’",
        "inv.task.overlap": "Overlapping tasks of different directorates",
        "inv.task.overlap.row": "{a}: ‘{ta}’ and {b}: ‘{tb}’",
        "inv.shared": "shared",
        "inv.load": "Load",
        "inv.load.text": "{n} active dossiers as owner (limit {max}), deputy for {d}",
        "inv.no_deputy": "No deputy: nobody can take this dossier over.",
        "inv.start": "Start",
        "inv.stage": "Stage",
        "inv.since": "since {date}",
        "inv.at_stage": "from {stage}",
        "kind.external": "external unit",
        "kind.theme": "theme",
    },
}


def t(key: str, **values: object) -> str:
    """The UI string for *key* in the request's language, with ``{name}`` filled in."""
    lang = g.get("lang", "nl")
    text = STRINGS[lang].get(key) or STRINGS["nl"].get(key) or key
    return text.format(**values) if values else text


def select_language() -> str:
    """``?lang=`` if given (400 when unknown), else the best of ``Accept-Language``."""
    asked = request.args.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise BadRequest(f"unknown language {asked[:20]!r}; use one of "
                             f"{', '.join(LANGUAGES)}")
        return asked
    return request.accept_languages.best_match(LANGUAGES, default="nl") or "nl"


def init_app(app: Flask) -> None:
    """Pick the language before each request and keep ``?lang=`` on generated links."""

    @app.before_request
    def _language() -> None:
        g.lang = "nl"  # so an error page for a bad ?lang= can still be rendered
        g.lang = select_language()

    @app.url_defaults
    def _keep_language(endpoint: str, values: dict) -> None:
        if (endpoint != "static" and has_request_context() and "lang" in request.args
                and "lang" not in values):
            values["lang"] = g.get("lang", "nl")

    # Globals, so that imported macros see them too.
    app.jinja_env.globals.update(t=t, lang_url=lang_url)

    @app.context_processor
    def _words() -> dict:
        return {"lang": g.get("lang", "nl")}


def lang_url(code: str) -> str:
    """This page in language *code* (the home page when the URL matched no route)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    endpoint = request.endpoint
    if not endpoint or request.method != "GET" or endpoint == "static":
        return url_for("search.home", lang=code)
    return url_for(endpoint, **(request.view_args or {}), **args, lang=code)
