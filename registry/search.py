"""Search the register: who owns a topic — instant, Dutch-aware and typo-tolerant.

One SQLite FTS5 table (standard library ``sqlite3``, in memory) holds a document per
dossier, person, unit and collaboration.  Every document has three word columns
(``title``, ``keywords``, ``body``) and, beside each, a column with the Dutch Snowball
stems of the same words, so that *stoffen* finds *stof* and *evaluaties* finds
*evaluatie*.  Text is folded (lower case, diacritics removed: *financiële* = *financiele*)
before it is tokenised and before it is stemmed, and the query goes through the very
same steps, so both sides always agree.

A query is answered in tiers, each a MATCH expression built from word tokens only (raw
input never reaches FTS5, so quotes, ``*``, ``NEAR`` or emoji cannot break it).  A tier
runs only while the page is not full, and its hits rank below those of earlier tiers:

========= ==================================================================
exact     every word as written in a title, name, keyword or abbreviation
stem      every word by its stem, in any column (description, tasks, names …)
prefix    as ``stem``, but the last word as a prefix (as-you-type)
fuzzy     words without any hit replaced by the closest indexed words
          ("Bedoelde u …", Damerau–Levenshtein over the index vocabulary)
partial   any of the words, when all of them together find nothing
========= ==================================================================

Within a tier, a title, keyword or abbreviation equal to the whole query comes first,
then FTS5's BM25 with column weights (title > keywords > body, words > stems).  Each
document kind's hit carries what answers "whom do I call": for a dossier the owner's
contact, deputy, penvoerder (effective), involved and authority.

Building is $O(n)$ in the text (about 4 s for 100,000 dossiers and as many people on two
cores); a query costs a few SQLite lookups, bounded by ``_RANK_CAP`` (see
``benchmarks/search_bench.py`` and the README for measured figures).
"""

from __future__ import annotations

import bisect
import gc
import heapq
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .model import Collaboration, Dossier, Person, Registry, Unit

__all__ = [
    "SearchUnavailable",
    "Hit",
    "SearchResult",
    "SearchIndex",
    "fold",
    "tokenize",
    "stem",
    "match_expression",
    "check_fts5",
    "TIERS",
    "KINDS",
]

TIERS = ("exact", "stem", "prefix", "fuzzy", "partial")
KINDS = ("dossier", "unit", "person", "collaboration")

#: Word columns, then their stem columns, in table order.
_COLUMNS = ("title", "keywords", "body", "title_s", "keywords_s", "body_s")
# Title words weigh most, then keywords, then the body; a stem counts half its word.
_WEIGHTS = (10.0, 6.0, 1.0, 5.0, 3.0, 0.5)
_BM25_WEIGHTS = ", ".join(map(str, _WEIGHTS))
_WORDS = "{title keywords body}"
_NAMES = "{title keywords}"
_STEMS = "{title_s keywords_s body_s}"

_MAX_QUERY_CHARS = 500  # more is not a search but a paste; the rest is ignored
_MAX_TOKENS = 12
_MIN_PREFIX = 2  # a one-letter prefix matches half the vocabulary
_MAX_SUGGESTIONS = 3
# A word in ten thousand documents says little about which of them is meant; ranking
# all of them would cost 2 µs each (BM25), so only the first this many are ranked.
_RANK_CAP = 500
_MAX_COMPLETIONS = 40
# FTS5 merges the postings of all words of a prefix query first: ~0.1 µs each.
_PREFIX_POSTINGS = 20_000
_MAX_LISTED = 10  # dossiers listed with a person hit

# Words too common to narrow a search, and the question around the topic ("wie is de
# eigenaar van cyber").  Dropped from a query unless nothing else is left.
_STOPWORDS = frozenset("""
    aan al als bij dan dat de den der des die dit door een en er het hij hoe ik in is je
    met na naar niet nog of om onder op over te ten ter tot u uit van voor wat wie waar
    we wel ze zij zijn welke eigenaar dossierhouder contactpersoon verantwoordelijk
    verantwoordelijke
""".split())

# Letters that Unicode does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                          "þ": "th", "ı": "i"})
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# Letters and digits, as FTS5's unicode61 tokenizer sees them.  Should SQLite's older
# Unicode tables split such a token further, the quoted token is a phrase: allowed with
# detail=full, so even then no query is an error.
_TOKEN = re.compile(r"[^\W_]+")

_STEMMER = snowballstemmer.stemmer("dutch")


class SearchUnavailable(RuntimeError):
    """SQLite in this Python build cannot search (no FTS5)."""


def fold(text: str) -> str:
    """Lower case without diacritics: ``"Financiële Ruimte"`` → ``"financiele ruimte"``."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    return _MARKS.sub("", text).translate(_SPECIAL)


def tokenize(text: str) -> list[str]:
    """The folded words of a text, in order (letters and digits only)."""
    return _TOKEN.findall(fold(text))


def _stem(word: str) -> str:
    if not word.isalpha():  # numbers and codes (2035, f35) have no inflection
        return word
    s = _STEMMER.stemWord(word)
    # Folding took the diaeresis that tells Snowball where a syllable starts
    # (strategieën, financiële), and Snowball leaves -eel/-ele apart; these three rules
    # bring such forms together: strategieen → strategie, personeel/personele → personel,
    # operationeel/operationele → operatie.
    if s.endswith(("ieen", "eeen")):
        return s[:-2]
    if s.endswith("ionel") and len(s) > 7:
        return s[:-4] + "e"
    if s.endswith("eel") and len(s) >= 6:
        return s[:-2] + "l"
    return s


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Dutch stem of a folded word: Snowball ``dutch``, plus three fixes for forms
    that folding or Snowball keep apart (cached: words repeat a lot).

    >>> [stem(w) for w in ("stoffen", "strategieen", "personele", "operationeel")]
    ['stof', 'strategie', 'personel', 'operatie']
    """
    return _stem(word)


class _StemCache(dict):
    """Stems of the words seen while building; a plain dict lookup per word."""

    def __missing__(self, word: str) -> str:
        self[word] = s = _stem(word)
        return s


def check_fts5(conn: sqlite3.Connection | None = None) -> None:
    """Raise :class:`SearchUnavailable` unless SQLite has FTS5 and ``fts5vocab``."""
    own = conn is None
    conn = conn or sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE temp._fts5_probe USING fts5(x)")
        conn.execute("CREATE VIRTUAL TABLE temp._fts5_probe_v "
                     "USING fts5vocab(temp, '_fts5_probe', 'row')")
        conn.execute("DROP TABLE temp._fts5_probe_v")
        conn.execute("DROP TABLE temp._fts5_probe")
    except sqlite3.OperationalError as exc:
        raise SearchUnavailable(
            f"search needs SQLite with the FTS5 extension, but the SQLite {sqlite3.sqlite_version} "
            f"of this Python build has none ({exc}); use a Python whose sqlite3 module "
            "is built with FTS5 (the python.org and most Linux builds are)") from None
    finally:
        if own:
            conn.close()


# -- the query --------------------------------------------------------------------------

def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


@dataclass(frozen=True, slots=True)
class _Query:
    """A query as tokens: what the tiers are built from."""

    words: tuple[str, ...]  # folded, stopwords dropped, at most _MAX_TOKENS
    prefix: bool  # the last word may be unfinished

    @classmethod
    def parse(cls, text: str) -> _Query:
        text = text[:_MAX_QUERY_CHARS]
        words = list(dict.fromkeys(tokenize(text)))
        kept = [w for w in words if w not in _STOPWORDS] or words
        kept = kept[:_MAX_TOKENS]
        # A trailing space or full stop means the last word is finished.
        prefix = bool(kept) and text[-1:].isalnum() and kept[-1] == words[-1] \
            and len(kept[-1]) >= _MIN_PREFIX
        return cls(tuple(kept), prefix)


def _stem_clause(word: str) -> str:
    return f"{_STEMS} : {_quote(stem(word))}"


def _prefix_clause(word: str, completions: Iterable[str] = ()) -> str:
    """The last word as typed: its stem, or any indexed word it begins.

    FTS5 answers ``"vastg"*`` by merging the postings of every word with that prefix
    before the first row comes out (2.5 ms at 100,000 dossiers); listing the
    completions from the vocabulary instead streams (0.04 ms) and needs no prefix index
    (0.6 s more to build).  Without completions, FTS5's own prefix query is used.
    """
    words = list(completions)
    begun = (f"({' OR '.join(map(_quote, words))})" if words else f"{_quote(word)}*")
    return f"({_STEMS} : {_quote(stem(word))} OR {_WORDS} : {begun})"


def _exact_expr(q: _Query) -> str:
    return f"{_NAMES} : ({' AND '.join(map(_quote, q.words))})"


def _stem_expr(q: _Query, alternatives: Mapping[str, Iterable[str]] | None = None,
               prefix: bool = False, completions: Iterable[str] = (),
               join: str = " AND ", as_written: bool = False) -> str:
    """Every word by its stem (the last one also as a prefix when ``prefix``).

    Words in ``alternatives`` are replaced by any of their alternatives: by the stems of
    those, or with ``as_written`` by the very words.
    """
    clauses = []
    last = len(q.words) - 1
    for i, w in enumerate(q.words):
        if alternatives is not None and w in alternatives:
            alts = list(dict.fromkeys(a if as_written else stem(a) for a in alternatives[w]))
            if alts:
                cols = _WORDS if as_written else _STEMS
                clauses.append(f"{cols} : ({' OR '.join(map(_quote, alts))})")
            continue
        clauses.append(_prefix_clause(w, completions) if prefix and i == last
                       else _stem_clause(w))
    return join.join(clauses)


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression of the ``stem`` tier for a query ('' when it has no word).

    Built from word tokens only, each quoted, so any input gives a valid expression.
    """
    q = _Query.parse(query)
    return _stem_expr(q, prefix=q.prefix) if q.words else ""


# -- results ----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Hit:
    """One search hit.  ``detail`` holds what answers "whom do I call" for its kind."""

    kind: str  # dossier | unit | person | collaboration
    id: str
    title: str
    tier: str  # see TIERS
    score: float  # BM25 within the tier (higher is better)
    detail: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """The hit as plain data: its detail's keys beside kind, id, title, tier, score."""
        return {**_plain(self.detail), "kind": self.kind, "id": self.id, "title": self.title,
                "tier": self.tier, "score": round(self.score, 4)}


@dataclass(frozen=True, slots=True)
class SearchResult:
    """Ranked hits of one query, with "Bedoelde u …" suggestions when words were unknown.

    ``suggestions`` are whole corrected queries, best first; ``corrections`` maps each
    unknown query word to the indexed words searched instead.
    """

    query: str
    words: tuple[str, ...]
    hits: tuple[Hit, ...]
    suggestions: tuple[str, ...] = ()
    corrections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def groups(self) -> dict[str, list[Hit]]:
        """Hits by kind; kinds in the order of their best hit, hits in rank order."""
        out: dict[str, list[Hit]] = {}
        for h in self.hits:
            out.setdefault(h.kind, []).append(h)
        return out

    def __bool__(self) -> bool:
        return bool(self.hits)

    def as_dict(self) -> dict[str, Any]:
        return {"query": self.query, "words": list(self.words),
                "suggestions": list(self.suggestions),
                "corrections": {k: list(v) for k, v in self.corrections.items()},
                "hits": [h.as_dict() for h in self.hits],
                "groups": {k: [h.id for h in v] for k, v in self.groups().items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# -- the index --------------------------------------------------------------------------

class SearchIndex:
    """An FTS5 index of one registry.  Build it once with :meth:`build`; queries only read.

    Safe to share between threads (queries are serialised on one connection).
    """

    def __init__(self, registry: Registry, conn: sqlite3.Connection,
                 docs: list[tuple[str, str]], words: frozenset[str], stems: frozenset[str]):
        self.registry = registry
        self._conn = conn
        self._docs = docs  # rowid - 1 -> (kind, id)
        self._lock = threading.Lock()
        self._completion_cache: dict[str, tuple[str, ...]] = {}
        self._load_vocabulary(words, stems)

    # -- building -----------------------------------------------------------------------
    @classmethod
    def build(cls, registry: Registry) -> SearchIndex:
        """Index a registry in memory.

        Raises
        ------
        SearchUnavailable
            When this Python's SQLite has no FTS5.

        Notes
        -----
        $O(n)$ in the size of the text: one pass to tokenise and stem (each distinct
        word is stemmed once), one ``executemany`` inside a single transaction.
        """
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        check_fts5(conn)
        conn.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(_COLUMNS)}, content='', "
            "detail=full, tokenize='unicode61 remove_diacritics 2')")
        docs: list[tuple[str, str]] = []
        stems = _StemCache()
        # Field text -> (folded words, their stems): names, functions and tasks repeat.
        done: dict[str, tuple[str, str]] = {}
        findall = _TOKEN.findall

        def rows() -> Iterable[tuple]:
            for kind, eid, fields in _documents(registry):
                docs.append((kind, eid))
                row: list[object] = [len(docs)]
                stemmed = []
                for texts in fields:
                    text = " ".join(texts)
                    pair = done.get(text)
                    if pair is None:
                        words = findall(fold(text))
                        pair = done[text] = (" ".join(words),
                                             " ".join(map(stems.__getitem__, words)))
                    row.append(pair[0])
                    stemmed.append(pair[1])
                yield (*row, *stemmed)

        # The cyclic garbage collector would walk the whole registry again and again
        # while millions of small strings are made; none of them form cycles.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            conn.execute("BEGIN")
            conn.executemany(f"INSERT INTO docs(rowid, {', '.join(_COLUMNS)}) "
                             f"VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})", rows())
            conn.execute("COMMIT")
            conn.execute("INSERT INTO docs(docs) VALUES('optimize')")
            return cls(registry, conn, docs, frozenset(stems), frozenset(stems.values()))
        except BaseException:
            conn.close()
            raise
        finally:
            if gc_was_enabled:
                gc.enable()

    def _load_vocabulary(self, words_made: frozenset[str], stems_made: frozenset[str]
                         ) -> None:
        """Read the index vocabulary back from FTS5 (``fts5vocab``) with document counts.

        A term is a word or a stem as the tokens and stems made while building say (one
        row per term: four times quicker than a row per term and column).
        """
        self._conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, docs, 'row')")
        words: dict[str, int] = {}
        stems: set[str] = set()
        for term, n in self._conn.execute("SELECT term, doc FROM temp.vocab"):
            if term in words_made:
                words[term] = n
            if term in stems_made:
                stems.add(term)
        self._stems = frozenset(stems)
        # word -> number of documents it occurs in (as a word, or as a stem: words and
        # stems share the one table, so FTS5 counts them together)
        self._words = words
        self._sorted_words = sorted(words)
        # Candidates for "Bedoelde u" by length: a typo changes the length by ≤ 2.
        by_len: dict[int, list[str]] = {}
        for w in self._sorted_words:
            if not w.isdigit():
                by_len.setdefault(len(w), []).append(w)
        self._by_len = by_len

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def vocabulary_size(self) -> int:
        return len(self._words)

    # -- querying -----------------------------------------------------------------------
    def search(self, query: str, limit: int = 20) -> SearchResult:
        """Ranked hits for what a user typed; never raises on odd input.

        Parameters
        ----------
        query
            Free text in Dutch: any characters, any length (only the start is used).
        limit
            The most hits to return.

        Returns
        -------
        SearchResult
            Hits in tier order (exact > stem > prefix > fuzzy > partial), and the
            suggestions when some word was unknown.
        """
        q = _Query.parse(query if isinstance(query, str) else str(query))
        limit = max(0, int(limit))
        if not q.words or not limit:
            return SearchResult(query, q.words, ())
        known = {w: self._known(w, q.prefix and i == len(q.words) - 1)
                 for i, w in enumerate(q.words)}
        done = self._completions(q.words[-1]) if q.prefix else ()
        found: dict[int, tuple[str, int, float]] = {}
        corrections: dict[str, tuple[str, ...]] = {}
        with self._lock:
            if all(known.values()):
                self._run("exact", _exact_expr(q), limit, found)
                self._run("stem", _stem_expr(q), limit, found)
                if q.prefix:
                    self._run("prefix", _stem_expr(q, prefix=True, completions=done),
                              limit, found)
            else:
                corrections = {w: self._closest(w) for w, ok in known.items() if not ok}
                alts = {w: c for w, c in corrections.items() if c}
                if len(alts) == len(corrections):
                    # The closest words as written first, then any candidate by its stem.
                    best = {w: c[:1] for w, c in alts.items()}
                    self._run("fuzzy", _stem_expr(q, best, prefix=q.prefix, completions=done,
                                                  as_written=True), limit, found)
                    self._run("fuzzy", _stem_expr(q, alts, prefix=q.prefix, completions=done),
                              limit, found)
            if not found and len(q.words) > 1:
                alts = {w: c for w, c in corrections.items()}
                expr = _stem_expr(q, alts, prefix=q.prefix, completions=done, join=" OR ")
                if expr:
                    self._run("partial", expr, limit, found)
        hits = self._order(found, q)[:limit]
        corrections = {w: c for w, c in corrections.items() if c}
        return SearchResult(query, q.words, tuple(hits), self._suggest(q, corrections),
                            MappingProxyType(corrections))

    def _known(self, word: str, prefix: bool) -> bool:
        """Whether a word can find anything: as a stem, or (while typing) as a prefix."""
        if stem(word) in self._stems or word in self._words:
            return True
        if prefix:
            i = bisect.bisect_left(self._sorted_words, word)
            return i < len(self._sorted_words) and self._sorted_words[i].startswith(word)
        return False

    def _completions(self, prefix: str) -> tuple[str, ...]:
        """Indexed words that begin with ``prefix``, to search instead of ``prefix*``.

        Up to ``_MAX_COMPLETIONS`` words are listed.  Beyond that, () — FTS5's own
        prefix query, complete — while their postings are few enough to merge quickly
        (``_PREFIX_POSTINGS``); else the most frequent words (*be*: *beleid*,
        *bedrijfsvoering* …; one more letter brings back the rest).  Cached per prefix.
        """
        cached = self._completion_cache.get(prefix)
        if cached is not None:
            return cached
        lo = bisect.bisect_left(self._sorted_words, prefix)
        hi = bisect.bisect_left(self._sorted_words, prefix + "\U0010ffff", lo)
        if hi - lo <= _MAX_COMPLETIONS:
            return tuple(self._sorted_words[lo:hi])
        begun = self._sorted_words[lo:hi]
        if sum(map(self._words.__getitem__, begun)) <= _PREFIX_POSTINGS:
            words: tuple[str, ...] = ()
        else:
            words = tuple(heapq.nlargest(_MAX_COMPLETIONS, begun,
                                         key=self._words.__getitem__))
        if len(self._completion_cache) >= 4096:  # bounded, whatever people type
            self._completion_cache.clear()
        self._completion_cache[prefix] = words
        return words

    def _closest(self, word: str) -> tuple[str, ...]:
        """Indexed words nearest to an unknown one, best first (at most 3).

        Damerau–Levenshtein (optimal string alignment) distance: 1 edit for words of up to
        five letters, 2 for longer ones.  Only the words at the smallest distance found
        are kept (*stofen*: *stoffen*, not also *sturen*); ties go to the word found in
        more documents.  Only words within ``k`` letters of the length are compared, so
        a query costs $O(m)$ distance computations for the $m$ such words.
        """
        if len(word) < 3 or word.isdigit():
            return ()
        k = 1 if len(word) <= 5 else 2
        found: list[tuple[int, int, str]] = []
        for n in range(len(word) - k, len(word) + k + 1):
            choices = self._by_len.get(n)
            if choices:
                for w, d, _ in process.extract(word, choices, scorer=OSA.distance,
                                               score_cutoff=k, limit=None):
                    found.append((d, -self._words[w], w))
        found.sort()
        return tuple(w for d, _, w in found[:_MAX_SUGGESTIONS] if d == found[0][0])

    @staticmethod
    def _suggest(q: _Query, corrections: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
        if not corrections:
            return ()
        out = []
        for i in range(_MAX_SUGGESTIONS):
            words = [corrections[w][min(i, len(corrections[w]) - 1)] if w in corrections
                     else w for w in q.words]
            out.append(" ".join(words))
        return tuple(dict.fromkeys(out))

    def _run(self, tier: str, expr: str, limit: int,
             found: dict[int, tuple[str, int, float]]) -> None:
        """Add the best hits of one step to ``found``: rowid -> (tier, step, score).

        Steps run in order; a hit keeps the first step that found it, and ranks below the
        hits of earlier steps.

        Ranking costs a BM25 evaluation per match, so a tier matching more than
        ``_RANK_CAP`` documents ranks only the first ``_RANK_CAP`` in rowid order.
        """
        if len(found) >= limit:
            return
        # Explicit bm25() rather than the configured ``rank``: the latter takes FTS5's
        # slower sorting path (measured 2-3 ms more per query at 100,000 dossiers).
        rows = self._conn.execute(
            f"SELECT rowid, bm25(docs, {_BM25_WEIGHTS}) AS r FROM docs WHERE docs MATCH ?1 "
            "AND rowid <= coalesce((SELECT rowid FROM docs WHERE docs MATCH ?1 "
            "LIMIT 1 OFFSET ?2), 9223372036854775807) ORDER BY r LIMIT ?3",
            (expr, _RANK_CAP - 1, limit + len(found))).fetchall()
        step = len({s for _, s, _ in found.values()})
        for rowid, rank in rows:
            if rowid not in found:
                found[rowid] = (tier, step, -rank)

    def _order(self, found: Mapping[int, tuple[str, int, float]], q: _Query) -> list[Hit]:
        """Hits by step, then a name equal to the whole query, then BM25."""
        whole = " ".join(q.words)
        ranked = []
        for rowid, (tier, step, score) in found.items():
            h = self._hit(rowid, tier, score)
            ranked.append(((step, whole not in self._names(h), -score, h.kind, h.id), h))
        ranked.sort(key=lambda pair: pair[0])
        return [h for _, h in ranked]

    def _names(self, hit: Hit) -> set[str]:
        """The folded title, keywords and abbreviation of a hit: an equal query wins."""
        e = self.registry.get(hit.id)
        names = [hit.title]
        if isinstance(e, Dossier):
            names.extend(e.keywords)
        elif isinstance(e, Unit) and e.abbreviation:
            names.append(e.abbreviation)
        return {" ".join(tokenize(n)) for n in names}

    def _hit(self, rowid: int, tier: str, score: float) -> Hit:
        kind, eid = self._docs[rowid - 1]
        e = self.registry.get(eid)
        title = getattr(e, "title", None) or getattr(e, "name", eid)
        return Hit(kind, eid, title, tier, score, MappingProxyType(self._detail(e)))

    # -- what a hit carries -------------------------------------------------------------
    def _detail(self, e: Any) -> dict[str, Any]:
        reg = self.registry
        if isinstance(e, Dossier):
            pen = reg.penvoerder_of(e.id)
            return {"owner": self._contact(e.owner), "deputy": self._contact(e.deputy),
                    "penvoerder": self._ref(pen), "involved": [self._ref(i) for i in e.involved],
                    "authority": self._ref(e.authority), "status": e.status,
                    "keywords": list(e.keywords), "description": e.description}
        if isinstance(e, Person):
            owned = reg.dossiers_owned_by(e.id)
            return {**(self._contact(e.id) or {}), "dossier_count": len(owned),
                    "dossiers": [{"id": d, "title": reg.dossiers[d].title}
                                 for d in owned[:_MAX_LISTED]]}
        if isinstance(e, Unit):
            return {"abbreviation": e.abbreviation, "unit_kind": e.kind,
                    "directorate": self._ref(e.parent) if e.parent else None,
                    "head": self._contact(e.head), "tasks": list(e.tasks)}
        if isinstance(e, Collaboration):
            return {"type": e.type, "lead": self._contact(e.lead), "purpose": e.purpose,
                    "members": [self._ref(m) for m in e.participants],
                    "directorates": [self._ref(u) for u in e.directorates]}
        return {}

    def _ref(self, eid: str | None) -> dict[str, Any] | None:
        """Id, kind and name of anything referred to; ``label`` is what to show."""
        if not eid:
            return None
        e = self.registry.get(eid)
        if e is None:
            return {"id": eid, "kind": None, "name": eid, "label": eid}
        if isinstance(e, Unit):
            return {"id": eid, "kind": e.kind, "name": e.name, "abbreviation": e.abbreviation,
                    "label": e.label}
        name = getattr(e, "name", None) or getattr(e, "title", eid)
        return {"id": eid, "kind": e.kind, "name": name, "label": name}

    def _contact(self, pid: str | None) -> dict[str, Any] | None:
        """Name, function, unit, e-mail and phone of a person: whom to call."""
        p = self.registry.people.get(pid) if pid else None
        if p is None:
            return self._ref(pid)
        return {"id": p.id, "kind": "person", "name": p.name, "label": p.name,
                "function": p.function, "unit": self._ref(p.unit), "email": p.email,
                "phone": p.phone}


def _documents(reg: Registry) -> Iterable[tuple[str, str, tuple[tuple[str, ...], ...]]]:
    """(kind, id, (title texts, keyword texts, body texts)) for everything searchable.

    In rowid order, which is also the order in which a tier with very many matches is
    cut (see ``_RANK_CAP``): units, then active dossiers before closed ones and short
    titles before long ones (BM25 favours them too), then collaborations and people.
    """

    def unit_names(uid: str | None) -> tuple[str, ...]:
        u = reg.units.get(uid) if uid else None
        if u is None:
            return ()
        if u.parent and u.parent in reg.units:
            return (u.name, *unit_names(u.parent))
        return (u.name, u.abbreviation or "")

    def person_name(pid: str | None) -> tuple[str, ...]:
        p = reg.people.get(pid) if pid else None
        return (p.name,) if p else ()

    for u in reg.units.values():
        yield "unit", u.id, ((u.name,), (u.abbreviation or "",),
                             (*u.tasks, *unit_names(u.parent)))
    for d in sorted(reg.dossiers.values(), key=lambda d: (not d.active, len(d.title))):
        body = (d.description or "", *person_name(d.owner),
                *unit_names(reg.penvoerder_of(d.id)))
        yield "dossier", d.id, ((d.title,), d.keywords, body)
    for c in reg.collaborations.values():
        yield "collaboration", c.id, ((c.name,), (c.type,), (c.purpose or "",))
    for p in reg.people.values():
        yield "person", p.id, ((p.name,), (), (p.function or "", *unit_names(p.unit)))
