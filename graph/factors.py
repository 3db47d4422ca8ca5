"""The thesis's own factor model: seven success factors with their sub-variables, two
further factors, and the five-level scale (issue 14).

*Het doorbreken van muren* (2021) measures intersectoral collaboration by seven factors
(ch. 3), each made measurable by sub-variables (the dimensions of Tables 2–8), and finds
two more in the interviews (§5.4: the can-do mentality, and the TVB of the BBD not put
into practice).  It reports each on a five-level scale (Table 9), and its DGB-wide
assessment of 2021 (Table 18, with the sub-variables in Tables 11–17) is the baseline a
profile is held against.

Scores are ordinal (1 low … 5 high), so a profile summarises them by the median and the
interquartile range, never by a mean.  This module is the one place that builds the
profile; the report, the dashboard and the lessons book read it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from statistics import median, quantiles

from registry.model import Evaluation, Registry
from registry.schema import EXTRA_FACTORS, FACTORS, SUBFACTORS

__all__ = [
    "ALL_FACTORS",
    "SCALE",
    "BASELINE_2021",
    "SUB_BASELINE_2021",
    "scale_level",
    "factor_score",
    "summarise",
    "factor_profile",
    "latest_means",
]

#: The seven factors of chapter 3 and the two of §5.4, in the thesis's order.
ALL_FACTORS = (*FACTORS, *EXTRA_FACTORS)

#: Table 9: the five levels of presence of a factor.
SCALE = {
    1: "in lage mate aanwezig",
    2: "in lage tot gedeeltelijke mate aanwezig",
    3: "in gedeeltelijke mate aanwezig",
    4: "in gedeeltelijke tot hoge mate aanwezig",
    5: "in hoge mate aanwezig",
}

#: Table 18: the study's DGB-wide assessment of 2021, on the scale of Table 9.  The two
#: factors of §5.4 were found to work against collaboration but were given no level.
BASELINE_2021: dict[str, int | None] = {
    "urgentie": 5, "steun": 3, "verwachtingen": 4, "leiderschap": 4, "middelen": 1,
    "werkwijze": 1, "evaluatie": 2, "can_do_mentaliteit": None, "tvb_in_praktijk": None,
}

#: Tables 11–17: the sub-variables in 2021.  Table 12 writes "gedeeltelijke tot lage"
#: (and once "late") for action planning and communication design: level 2.
SUB_BASELINE_2021: dict[str, int] = {
    "urgentie.wederzijdse_afhankelijkheid": 5, "urgentie.draagvlak": 5,
    "urgentie.stimulerende_omgeving": 4,
    "steun.inclusief_proces": 3, "steun.partnerselectie": 3, "steun.belangen": 4,
    "steun.actieplanning": 2, "steun.communicatieontwerp": 2,
    "verwachtingen.gedeelde_visie": 4, "verwachtingen.coalitieoverschot": 4,
    "verwachtingen.eigen_en_collectief_belang": 4,
    "leiderschap.competenties": 4,
    "middelen.financieel": 1, "middelen.tijd": 1, "middelen.personeel": 1,
    "werkwijze.organisatorisch_leren": 1, "werkwijze.coalitievorming": 1,
    "evaluatie.moeite_waard": 2, "evaluatie.reflectie": 2,
}


def scale_level(value: float | None) -> int | None:
    """The level of Table 9 (1–5) for a score or a median: halves round up.

    >>> [scale_level(v) for v in (1, 2.5, 3.49, 4.5, None)]
    [1, 3, 3, 5, None]
    """
    if value is None:
        return None
    return min(5, max(1, int(value + 0.5)))


def factor_score(evaluation: Evaluation, factor: str) -> float | None:
    """An evaluation's score on a factor: its own value, or else the median of its
    scored sub-variables (``subfactors``), or ``None``.

    The two factors of §5.4 (:data:`registry.schema.EXTRA_FACTORS`) are fields of the
    evaluation and have no sub-variables.
    """
    if factor in EXTRA_FACTORS:
        return getattr(evaluation, factor)
    own = evaluation.factors.get(factor)
    if own is not None:
        return own
    prefix = factor + "."
    subs = [v for k, v in evaluation.subfactors.items() if k.startswith(prefix)]
    return median(subs) if subs else None


def summarise(values: Iterable[float]) -> dict:
    """Median, spread (interquartile range), minimum, maximum and count of ordinal
    scores; ``None`` values where there are none.

    Quartiles are the 'inclusive' ones of :func:`statistics.quantiles` (linear
    interpolation between order statistics, as numpy's default); one score has spread 0.

    >>> summarise([1, 2, 2, 4])
    {'median': 2.0, 'spread': 0.75, 'min': 1, 'max': 4, 'n': 4}
    """
    v = sorted(values)
    if not v:
        return {"median": None, "spread": None, "min": None, "max": None, "n": 0}
    if len(v) == 1:
        spread = 0.0
    else:
        q1, _, q3 = quantiles(v, n=4, method="inclusive")
        spread = q3 - q1
    return {"median": float(median(v)), "spread": round(spread, 6), "min": v[0],
            "max": v[-1], "n": len(v)}


def _evaluations(reg: Registry) -> list[Evaluation]:
    return [e for c in reg.collaborations.values() for e in c.evaluations]


def _rows(evaluations: list[Evaluation]) -> list[dict]:
    rows = []
    for f in ALL_FACTORS:
        scored = [(e, s) for e in evaluations if (s := factor_score(e, f)) is not None]
        row = {"factor": f, **summarise(s for _, s in scored)}
        row["level"] = scale_level(row["median"])
        row["baseline"] = BASELINE_2021[f]
        row["scorers"] = len({p for e, _ in scored for p in e.scored_by})
        subs = []
        for sub in SUBFACTORS.get(f, ()):
            key = f"{f}.{sub}"
            s = summarise(e.subfactors[key] for e in evaluations if key in e.subfactors)
            subs.append({"key": key, "median": s["median"], "spread": s["spread"],
                         "n": s["n"], "level": scale_level(s["median"]),
                         "baseline": SUB_BASELINE_2021[key]})
        row["subfactors"] = subs
        rows.append(row)
    return rows


def factor_profile(reg: Registry, today: dt.date, *, window_days: int | None = None) -> dict:
    """The factor profile of the evaluations of the last ``window_days`` days
    (``settings.factor_window_days``, default 730), with the study's 2021 baseline, and
    one profile per calendar year.

    Returns
    -------
    dict
        ``window_days``; ``since`` (ISO date; evaluations dated ``since`` … ``today``
        count); ``evaluations`` (how many); ``factors``: one row per factor of
        :data:`ALL_FACTORS` with ``median``, ``spread`` (interquartile range), ``min``,
        ``max``, ``n`` (evaluations with a score), ``level`` (Table 9 on the median),
        ``baseline`` (Table 18), ``scorers`` (distinct people in ``scored_by``) and
        ``subfactors`` (per sub-variable: ``key``, ``median``, ``spread``, ``n``,
        ``level``, ``baseline`` of Tables 11–17); ``by_year``: per year of any
        evaluation, ``{"year", "evaluations", "factors": {factor: {"median", "n",
        "level"}}}``, oldest first; ``scale`` (Table 9).

    Notes
    -----
    A factor's score on one evaluation is :func:`factor_score`.  Every evaluation in the
    window counts (not only a collaboration's latest), so a collaboration evaluated
    twice weighs twice.  Time :math:`O(e \\cdot f)` for :math:`e` evaluations and
    :math:`f` factors and sub-variables.
    """
    window = window_days if window_days is not None else reg.settings.factor_window_days
    since = today - dt.timedelta(days=window)
    every = _evaluations(reg)
    recent = [e for e in every if since <= e.date <= today]
    by_year: dict[int, list[Evaluation]] = defaultdict(list)
    for e in every:
        by_year[e.date.year].append(e)
    years = []
    for year in sorted(by_year):
        evs = by_year[year]
        summary = {}
        for f in ALL_FACTORS:
            s = summarise(x for e in evs if (x := factor_score(e, f)) is not None)
            summary[f] = {"median": s["median"], "n": s["n"], "level": scale_level(s["median"])}
        years.append({"year": year, "evaluations": len(evs), "factors": summary})
    return {"window_days": window, "since": since.isoformat(), "evaluations": len(recent),
            "factors": _rows(recent), "by_year": years,
            "scale": {str(k): v for k, v in SCALE.items()}}


def latest_means(reg: Registry) -> dict[str, dict]:
    """The report's ``factors`` key as it was first defined: per factor of chapter 3,
    the mean of each collaboration's latest score (see :func:`factor_score`) and the
    number of collaborations scored.

    Kept because the key is a public contract; the ordinal-aware profile is
    :func:`factor_profile`.
    """
    scores: dict[str, list[float]] = {f: [] for f in FACTORS}
    for c in reg.collaborations.values():
        for f in FACTORS:
            scored = [(e.date, s) for e in c.evaluations
                      if (s := factor_score(e, f)) is not None]
            if scored:
                scores[f].append(max(scored, key=lambda x: x[0])[1])
    return {f: {"mean": round(sum(v) / len(v), 2) if v else None, "n": len(v)}
            for f, v in scores.items()}
