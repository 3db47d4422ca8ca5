"""Synthetic registers for benchmarks and load tests: valid, realistic and deterministic.

A generated register scales with the number of people: the nine DGB units come first,
then more directorates (about one per 1,000 people) and departments (about one per
25 people).  Collaboration sizes are heavy-tailed (a few large networks, many small
teams), keywords overlap between directorates, a few entries are stale or were never
confirmed, and ended collaborations mostly carry an evaluation.  All people are
fictional: names are built from invented syllables.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import yaml

from .atomic import write_atomic
from .schema import FACTORS

__all__ = ["generate", "dump", "write"]

_DGB = [  # id, name, abbreviation, axis, theme words
    ("kabinet-dgb", "Kabinet DGB", "Kabinet DGB", "staff", ["bestuursondersteuning", "agenda"]),
    ("dsk", "Directie Strategie en Kennis", "DSK", "integrating",
     ["strategie", "kennis", "defensievisie", "toekomstverkenning"]),
    ("dobp", "Directie Operationeel Beleid en Plannen", "DOBP", "integrating",
     ["operationeel beleid", "planning", "inzet", "gereedheid"]),
    ("dbe", "Directie Bedrijfsvoering en Evaluatie", "DBE", "integrating",
     ["begroting", "evaluatie", "bedrijfsvoering", "huisvesting"]),
    ("hdp", "Hoofddirectie Personeel", "HDP", "functional",
     ["personeel", "werving", "arbeidsvoorwaarden", "veteranen"]),
    ("dmv", "Directie Materieel en Vastgoed", "DMV", "functional",
     ["materieel", "vastgoed", "verwerving", "infrastructuur"]),
    ("cio", "Chief Information Office", "CIO", "functional",
     ["informatievoorziening", "cyber", "data", "digitalisering"]),
    ("dia", "Directie Internationale Aangelegenheden", "DIA", "functional",
     ["navo", "europese samenwerking", "partnerlanden", "missies"]),
    ("dv", "Directie Veiligheid", "DV", "functional",
     ["veiligheid", "gevaarlijke stoffen", "integriteit", "arbo"]),
]
_SHARED_WORDS = ["vastgoed", "duurzaamheid", "innovatie", "cyber", "personeel", "begroting",
                 "logistiek", "energietransitie", "wetgeving", "samenwerking"]
_TOPICS = ["Beleidskader", "Strategie", "Programma", "Visie", "Actieplan", "Verkenning",
           "Monitor", "Regeling", "Agenda", "Evaluatie"]
_SYLLABLES = ["bel", "dor", "ven", "hoe", "kam", "lin", "mer", "nor", "pel", "ros", "sta",
              "ter", "vel", "wis", "zan", "gra", "hul", "jon", "kes", "lom"]
_FUNCTIONS = ["Beleidsmedewerker", "Senior beleidsmedewerker", "Strategisch adviseur",
              "Programmamanager", "Juridisch adviseur", "Analist"]
_LESSONS = ["Vroeg betrekken van de functionele directies scheelt dubbel werk.",
            "Een vaste trekker houdt het tempo erin.",
            "Zonder mandaat van de directeuren loopt het team vast.",
            "Korte lijnen met de uitvoering gaven betere plannen.",
            "Te weinig capaciteit vrijgemaakt naast het reguliere werk."]
_COLLAB_KINDS = ["projectteam", "werkverband", "overleg", "netwerk"]


def _surname(rng: random.Random) -> str:
    word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3)))
    prefix = rng.choice(["", "", "", "van ", "de ", "van der "])
    return prefix + word.capitalize()


class _Draw:
    """The random source of one generated register and the day it is judged against."""

    def __init__(self, seed: int, today: dt.date):
        self.rng = random.Random(seed)
        self.today = today

    def reviewed(self) -> dt.date | None:
        """A confirmation date: mostly recent, a few stale, a few never."""
        r = self.rng.random()
        if r < 0.02:
            return None  # never confirmed
        if r < 0.08:
            return self.today - dt.timedelta(days=self.rng.randint(200, 900))  # stale
        return self.today - dt.timedelta(days=self.rng.randint(0, 170))

    def days_ago(self, most: int) -> dt.date:
        return self.today - dt.timedelta(days=self.rng.randint(0, most))


def generate(people: int, seed: int = 0, today: dt.date | None = None) -> dict:
    """A register in format 1 as plain data, with about one dossier per person.

    Deterministic for ``(people, seed, today)``; runs in $O(n)$ for $n$ people.
    """
    if people < 20:
        raise ValueError("a generated register needs at least 20 people")
    draw = _Draw(seed, today or dt.date(2026, 11, 29))
    directorates = _directorates(draw, people)
    n_departments = max(len(directorates) * 2, people // 25)
    # (department id, directorate index)
    units = [(f"{directorates[j % len(directorates)][0]}-afd-{j + 1}", j % len(directorates))
             for j in range(n_departments)]
    person_rows, people_of_unit = _people(draw, people, units)
    directorate_rows = _directorate_rows(draw, directorates, units, people_of_unit)
    dossiers = _dossiers(draw, directorates, units, person_rows, people_of_unit)
    processes = [
        {"id": "strategisch-beleid", "name": "Opstellen strategisch beleid",
         "penvoerder": "dsk", "involve": "all"},
        {"id": "begrotingscyclus", "name": "Begrotingscyclus", "penvoerder": "dbe",
         "involve": ["dobp", "hdp", "dmv"]},
    ]
    return {
        "schema": 1,
        "organisation": {"id": "dgb", "name": "Directoraat-Generaal Beleid",
                         "parent": "Ministerie van Defensie"},
        "settings": {"stale_after_days": 180},
        "directorates": directorate_rows,
        "people": person_rows,
        "dossiers": dossiers,
        "processes": processes,
        "collaborations": _collaborations(draw, person_rows, dossiers),
    }


def _directorates(draw: _Draw, people: int) -> list[list]:
    """The nine DGB units, then about one more directorate per 1,000 people."""
    directorates = [list(d) for d in _DGB]
    for i in range(max(0, people // 1000 - len(_DGB))):
        theme = draw.rng.sample(_SHARED_WORDS, 3)
        axis = "integrating" if i % 4 == 0 else "functional"
        directorates.append([f"dir-{i + 1:03d}", f"Directie {theme[0].capitalize()} {i + 1}",
                             f"D{i + 1:03d}", axis, theme])
    return directorates


def _people(draw: _Draw, people: int,
            units: list[tuple[str, int]]) -> tuple[list[dict], dict[str, list[str]]]:
    """The people, and the ids of the people of each department."""
    rng = draw.rng
    person_rows = []
    people_of_unit: dict[str, list[str]] = {}
    for k in range(people):
        # The first people fill every department once, so every unit gets a head.
        unit, _ = units[k] if k < len(units) else rng.choice(units)
        pid = f"p-{k + 1:06d}"
        name = f"{rng.choice('ABCDEFGHJKLMNPRSTVW')}. {_surname(rng)}"
        row = {"id": pid, "name": name, "unit": unit, "function": rng.choice(_FUNCTIONS),
               "email": f"{pid}@example.org", "phone": f"+31 70 000 {k % 10000:04d}"}
        if (r := draw.reviewed()) is not None:
            row["reviewed"] = r
        person_rows.append(row)
        people_of_unit.setdefault(unit, []).append(pid)
    return person_rows, people_of_unit


def _directorate_rows(draw: _Draw, directorates: list[list], units: list[tuple[str, int]],
                      people_of_unit: dict[str, list[str]]) -> list[dict]:
    """Directorates with their departments, each headed by its first person."""
    rows = []
    for d_index, (did, name, abbr, axis, words) in enumerate(directorates):
        departments = []
        for unit, di in units:
            if di == d_index:
                departments.append({"id": unit, "name": f"Afdeling {unit.rsplit('-', 1)[1]}",
                                    "head": people_of_unit[unit][0],
                                    "tasks": [f"Beleid voor {draw.rng.choice(words)}"],
                                    "reviewed": draw.days_ago(150)})
        rows.append({
            "id": did, "name": name, "abbreviation": abbr, "axis": axis,
            "head": departments[0]["head"],
            "tasks": [f"Beleid en advies over {w}" for w in words],
            "reviewed": draw.days_ago(150),
            "departments": departments})
    return rows


def _dossiers(draw: _Draw, directorates: list[list], units: list[tuple[str, int]],
              person_rows: list[dict], people_of_unit: dict[str, list[str]]) -> list[dict]:
    """One dossier per person, with keywords that overlap between directorates."""
    rng = draw.rng
    directorate_of_unit = dict(units)
    by_directorate: dict[int, list[str]] = {}
    for unit, di in units:
        by_directorate.setdefault(di, []).extend(people_of_unit.get(unit, ()))
    dossiers = []
    for k, owner in enumerate(person_rows):
        di = directorate_of_unit[owner["unit"]]
        words = directorates[di][4]
        kw = rng.sample(words, min(2, len(words)))
        if rng.random() < 0.3:
            kw.append(rng.choice(_SHARED_WORDS))
        title = f"{rng.choice(_TOPICS)} {kw[0]} {k + 1}"
        row = {"id": f"dossier-{k + 1:06d}", "title": title,
               "description": f"{title}: beleid, uitvoering en verantwoording.",
               "keywords": kw, "owner": owner["id"]}
        colleagues = by_directorate[di]
        if len(colleagues) > 1 and rng.random() < 0.6:
            deputy = rng.choice(colleagues)
            if deputy != owner["id"]:
                row["deputy"] = deputy
        if rng.random() < 0.5:
            others = rng.sample(range(len(directorates)), 2)
            row["involved"] = [directorates[i][0] for i in others if i != di]
            if rng.random() < 0.3:
                row["involved"].append(rng.choice(person_rows)["id"])
            row["involved"] = list(dict.fromkeys(row["involved"]))
        if rng.random() < 0.1:
            row["process"] = "strategisch-beleid"
        if rng.random() < 0.05:
            row["status"] = "closed"
        if (r := draw.reviewed()) is not None:
            row["reviewed"] = r
        dossiers.append(row)
    return dossiers


def _collaborations(draw: _Draw, person_rows: list[dict], dossiers: list[dict]) -> list[dict]:
    """Heavy-tailed collaborations (a few large networks, many small teams); ended ones
    mostly evaluated."""
    rng, today, people = draw.rng, draw.today, len(person_rows)
    collaborations = []
    for k in range(max(3, people // 10)):
        size = min(people, max(2, int(rng.paretovariate(1.5) * 2)), 60)
        members = rng.sample(person_rows, size)
        start = today - dt.timedelta(days=rng.randint(30, 2000))
        row = {"id": f"samenwerking-{k + 1:05d}",
               "name": f"{rng.choice(_COLLAB_KINDS).capitalize()} {rng.choice(_SHARED_WORDS)} "
                       f"{k + 1}",
               "kind": rng.choice(_COLLAB_KINDS),
               "mode": rng.choice(["voluntary", "mandatory"]),
               "lead": members[0]["id"], "members": [m["id"] for m in members],
               "purpose": "Samenhangend beleid over de grenzen van directies heen.",
               "start": start}
        if rng.random() < 0.2:
            row["dossiers"] = [dossiers[rng.randrange(people)]["id"]]
        ended = rng.random() < 0.3
        if ended:
            row["end"] = start + dt.timedelta(days=rng.randint(30, max(31, (today - start).days)))
        if rng.random() < (0.8 if ended else 0.4):
            row["evaluations"] = [{
                "date": min(today, (row.get("end") or start) + dt.timedelta(days=14)),
                "worthwhile": rng.randint(1, 5),
                "lessons": [rng.choice(_LESSONS)],
                "factors": {f: rng.randint(1, 5) for f in FACTORS}}]
        collaborations.append(row)
    return collaborations


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes shared values (one date object used twice) out in full: a register is
    written by hand, without anchors and aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def dump(data: dict) -> str:
    """YAML text of a register (C dumper when available), without anchors."""
    return "# Generated by `tvb generate`: fictional people only.\n" + yaml.dump(
        data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def write(data: dict, path: str | Path, split: bool = False) -> list[Path]:
    """Write a register to one file, or with ``split`` to a folder with one file per
    directorate (its units, people and owned dossiers) plus a shared file.

    Each file is written atomically (:func:`registry.atomic.write_atomic`)."""
    path = Path(path)
    if not split:
        write_atomic(path, dump(data).encode("utf-8"))
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    unit_dir = {}
    for d in data["directorates"]:
        unit_dir[d["id"]] = d["id"]
        for dep in d.get("departments", ()):
            unit_dir[dep["id"]] = d["id"]
    person_dir = {p["id"]: unit_dir[p["unit"]] for p in data["people"]}
    parts: dict[str, dict] = {d["id"]: {"schema": 1, "directorates": [d], "people": [],
                                        "dossiers": []} for d in data["directorates"]}
    for p in data["people"]:
        parts[person_dir[p["id"]]]["people"].append(p)
    for dos in data["dossiers"]:
        parts[person_dir[dos["owner"]]]["dossiers"].append(dos)
    shared = {k: v for k, v in data.items() if k not in ("directorates", "people", "dossiers")}
    written = []
    for name, part in [("_organisatie", shared), *parts.items()]:
        f = path / f"{name}.yaml"
        write_atomic(f, dump(part).encode("utf-8"))
        written.append(f)
    return written
