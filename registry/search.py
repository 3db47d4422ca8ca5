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
import datetime as dt
import functools
import heapq
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .gcpause import paused_gc
from .model import Collaboration, Dossier, Person, Registry, Unit
from .text import (
    STOPWORDS,
    TOKEN,
    WORDLIST,
    Decompounder,
    fold,
    load_wordlist,
    stem,
    tokenize,
)

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

TIERS = ("exact", "stem", "prefix", "compound", "fuzzy", "partial")
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
# A query holds a connection for its SQL only while SQLite runs without the interpreter
# lock; a second connection (a copy of the database) lets a second query's SQL run on
# the other core meanwhile.  More would only cost memory on two cores.
_SPARE_CONNECTIONS = 1
# Entities whose "whom do I call" is kept: about 11 KB each (the contacts, units and
# references in it), so a few thousand — the entities asked for most stay.
_MAX_CACHED_DETAILS = 2_000
# Synonym sets: at most this many terms of one set are searched for a query word (a set
# of 10,000 terms is a data error, not a reason for a 10,000-way OR), and terms longer
# than this many words are ignored.
_MAX_SYNONYMS = 32
_MAX_TERM_WORDS = 6
# Words of names (people, units) a query may leave out: initials and particles.
_NAME_PARTICLES = frozenset("van de der den het ter ten te la le du di".split())

#: Settings of the decompounder (see :class:`registry.text.Decompounder`): measured on
#: the query tables of the tests (see the README's Search section).
DECOMPOUND = {"min_word": 6, "min_part": 3}

class SearchUnavailable(RuntimeError):
    """SQLite in this Python build cannot search (no FTS5)."""


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


class _Synonyms:
    """Equivalence sets of terms, looked up by the stems of a term's words.

    A query word (or run of words) equal to a term by its stems stands for every term of
    its set; ``salarissen`` finds *salaris*, and *salaris* finds the set of *cao*.
    """

    def __init__(self, sets: Iterable[Iterable[str]] = ()):
        self.sets: list[tuple[tuple[str, ...], ...]] = []
        self._by_key: dict[tuple[str, ...], int] = {}
        self.longest = 1
        for terms in sets:
            tokens = []
            for t in terms:
                words = tuple(tokenize(t)) if isinstance(t, str) else ()
                if 0 < len(words) <= _MAX_TERM_WORDS:
                    tokens.append(words)
            tokens = list(dict.fromkeys(tokens))
            if len(tokens) < 2:
                continue
            i = len(self.sets)
            self.sets.append(tuple(tokens))
            for words in tokens:
                # A term in two sets keeps its first (validate.py warns, W108).
                self._by_key.setdefault(tuple(map(stem, words)), i)
                self.longest = max(self.longest, len(words))

    def __bool__(self) -> bool:
        return bool(self.sets)

    def find(self, words: Iterable[str]) -> int | None:
        """The set holding a term of these (folded) words, or None."""
        return self._by_key.get(tuple(map(stem, words)))

    def terms(self, words: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The terms a query term stands for: itself first, then the rest of its set."""
        i = self.find(words)
        if i is None:
            return [words]
        return list(dict.fromkeys([words, *self.sets[i]]))[:_MAX_SYNONYMS]


@dataclass(frozen=True, slots=True)
class _Query:
    """A query as tokens: what the tiers are built from."""

    words: tuple[str, ...]  # folded, stopwords dropped, at most _MAX_TOKENS; a synonym
    # term of several words is one entry ("noord atlantische verdragsorganisatie")
    prefix: bool  # the last word may be unfinished

    @classmethod
    def parse(cls, text: str, synonyms: _Synonyms | None = None) -> _Query:
        text = text[:_MAX_QUERY_CHARS]
        tokens = tokenize(text)[:4 * _MAX_TOKENS]
        words: list[str] = []
        i = 0
        while i < len(tokens):
            n = 1
            if synonyms:
                for n in range(min(synonyms.longest, len(tokens) - i), 0, -1):
                    if n == 1 or synonyms.find(tokens[i:i + n]) is not None:
                        break
            words.append(" ".join(tokens[i:i + n]))
            i += n
        words = list(dict.fromkeys(words))
        kept = [w for w in words if w not in STOPWORDS] or words
        kept = kept[:_MAX_TOKENS]
        # A trailing space or full stop means the last word is finished.
        prefix = bool(kept) and text[-1:].isalnum() and kept[-1] == words[-1] \
            and len(kept[-1]) >= _MIN_PREFIX and " " not in kept[-1]
        return cls(tuple(kept), prefix)


#: What a query word may match: alternatives (any of them will do), each a tuple of
#: phrases (all of them must be there), each phrase a tuple of words or stems.
_Alternatives = list[tuple[tuple[str, ...], ...]]


def _alternatives_expr(alts: _Alternatives) -> str:
    ors = []
    for alt in alts:
        ands = [_quote(" ".join(phrase)) for phrase in alt]
        ors.append(ands[0] if len(ands) == 1 else f"({' AND '.join(ands)})")
    return ors[0] if len(ors) == 1 else f"({' OR '.join(ors)})"


def _stems_of(alts: _Alternatives) -> _Alternatives:
    return [tuple(tuple(map(stem, phrase)) for phrase in alt) for alt in alts]


def _plain_plan(q: _Query) -> dict[str, _Alternatives]:
    return {w: [(tuple(w.split()),)] for w in q.words}


def _expr(q: _Query, plan: Mapping[str, _Alternatives], cols: str = _STEMS,
          prefix: bool = False, completions: Iterable[str] = (), join: str = " AND ",
          stems: bool = True) -> str:
    """One clause per query word, joined by AND (or OR).

    Each word matches any of its alternatives in ``cols`` (by stems when ``stems``); the
    last word with ``prefix`` also matches any indexed word it begins.  FTS5 answers
    ``"vastg"*`` by merging the postings of every word with that prefix before the first
    row comes out (2.5 ms at 100,000 dossiers); listing the completions from the
    vocabulary instead streams (0.04 ms) and needs no prefix index.  Without
    completions, FTS5's own prefix query is used.
    """
    clauses = []
    last = len(q.words) - 1
    for i, w in enumerate(q.words):
        alts = plan.get(w)
        if not alts:
            continue
        clause = f"{cols} : {_alternatives_expr(_stems_of(alts) if stems else alts)}"
        if prefix and i == last:
            done = list(completions)
            begun = (f"({' OR '.join(map(_quote, done))})" if done else f"{_quote(w)}*")
            clause = f"({clause} OR {_WORDS} : {begun})"
        clauses.append(clause)
    return join.join(clauses)


def match_expression(query: str) -> str:
    """The FTS5 MATCH expression of the ``stem`` tier for a query ('' when it has no word).

    Built from word tokens only, each quoted, so any input gives a valid expression.
    """
    q = _Query.parse(query)
    return _expr(q, _plain_plan(q), prefix=q.prefix) if q.words else ""


# -- results ----------------------------------------------------------------------------

class _Detail(Mapping):
    """A hit's detail (read-only), made when first read: ``make(base, entity, today)``,
    *base* being the entity's cached detail or what makes it."""

    __slots__ = ("_args", "_data")

    def __init__(self, make: Callable[..., dict[str, Any]], base: Any, e: Any,
                 today: dt.date) -> None:
        self._args = (make, base, e, today)
        self._data: dict[str, Any] | None = None

    def _made(self) -> dict[str, Any]:
        data = self._data
        if data is None:  # two threads may both make it: the same value
            make, base, e, today = self._args
            data = self._data = make(base() if callable(base) else base, e, today)
        return data

    def __getitem__(self, key: str) -> Any:
        return self._made()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())

    def items(self) -> Any:
        return self._made().items()

    def __repr__(self) -> str:
        return repr(self._made())


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
    unknown query word to the indexed words searched instead; ``splits`` maps a compound
    that is not indexed to the indexed parts searched instead.  ``help`` is filled only
    when nothing was found: the units whose tasks come closest, the closest indexed
    words, and whom to ask (``settings.contact``).
    """

    query: str
    words: tuple[str, ...]
    hits: tuple[Hit, ...]
    suggestions: tuple[str, ...] = ()
    corrections: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    splits: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    help: Mapping[str, Any] = field(default_factory=dict)

    def groups(self) -> dict[str, list[Hit]]:
        """Hits by kind; kinds in the order of their best hit, hits in rank order."""
        out: dict[str, list[Hit]] = {}
        for h in self.hits:
            out.setdefault(h.kind, []).append(h)
        return out

    @property
    def best(self) -> Hit | None:
        """The single best answer, whatever its kind."""
        return self.hits[0] if self.hits else None

    def __bool__(self) -> bool:
        return bool(self.hits)

    def as_dict(self, hit: Callable[[Hit], dict[str, Any]] | None = None) -> dict[str, Any]:
        """The result as plain data; *hit* turns each hit into its mapping
        (:meth:`Hit.as_dict` by default)."""
        return {"query": self.query, "words": list(self.words),
                "suggestions": list(self.suggestions),
                "corrections": {k: list(v) for k, v in self.corrections.items()},
                "splits": {k: list(v) for k, v in self.splits.items()},
                "hits": list(map(hit or Hit.as_dict, self.hits)),
                "best": self.hits[0].id if self.hits else None,
                "groups": {k: [h.id for h in v] for k, v in self.groups().items()},
                "help": _plain(self.help)}


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# -- the index --------------------------------------------------------------------------

class _QueryState:
    """What the queries of one index keep beside it: spare connections and the details
    of the entities found.  Not an attribute of the index, so that it is never saved
    with it (the disk cache saves an index's attributes, ``graph/cache.py``)."""

    def __init__(self) -> None:
        self.cond = threading.Condition()
        self.free: list[sqlite3.Connection] = []
        self.made = 0
        self.waiting = 0  # threads waiting for a connection (read without the lock)
        self.details: dict[str, Mapping[str, Any]] = {}


_QUERY_STATES: weakref.WeakKeyDictionary[SearchIndex, _QueryState] = \
    weakref.WeakKeyDictionary()
_QUERY_STATES_LOCK = threading.Lock()


def _query_state(index: SearchIndex) -> _QueryState:
    state = _QUERY_STATES.get(index)
    if state is None:
        with _QUERY_STATES_LOCK:
            state = _QUERY_STATES.setdefault(index, _QueryState())
    return state


class SearchIndex:
    """An FTS5 index of one registry.  Build it once with :meth:`build`; queries only read.

    Safe to share between threads: a query's SQL runs on the index's own connection or,
    while that is busy, on a spare copy of the database (see :meth:`_connection`).
    """

    def __init__(self, registry: Registry, conn: sqlite3.Connection,
                 docs: list[tuple[str, str]], words: frozenset[str], stems: frozenset[str],
                 decompounder: Decompounder, synonyms: _Synonyms, units: int,
                 like: tuple[SearchIndex, Iterable[str]] | None = None):
        self.registry = registry
        self._conn = conn
        self._docs = docs  # rowid - 1 -> (kind, id)
        self._units = units  # rowids 1..units are the units
        self._lock = threading.Lock()
        self._completion_cache: dict[str, tuple[str, ...]] = {}
        self._name_cache: dict[str, tuple] = {}
        self._unit_texts: dict[str, str] | None = None  # for help without a hit
        self._decompounder = decompounder
        self._synonyms = synonyms
        if like is None:
            self._load_vocabulary(words, stems)
        else:
            self._recount(*like)

    # -- building -----------------------------------------------------------------------
    @classmethod
    def build(cls, registry: Registry, *, wordlist: Iterable[str] | None = None,
              decompound: bool = True) -> SearchIndex:
        """Index a registry in memory.

        Parameters
        ----------
        registry
            What to index.
        wordlist
            Extra dictionary words for decompounding (folded).  ``None``: Debian's Dutch
            word list (:data:`registry.text.WORDLIST`) when installed, else none.
        decompound
            Index the parts of compound words (and split unknown query words).

        Raises
        ------
        SearchUnavailable
            When this Python's SQLite has no FTS5.

        Notes
        -----
        $O(n)$ in the size of the text: one pass to tokenise (each distinct field text
        once), one to stem and split (each distinct word once, $O(L^2)$ dictionary
        lookups for a word of $L$ letters), one ``executemany`` in a single transaction.
        """
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        check_fts5(conn)
        conn.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(_COLUMNS)}, content='', "
            "detail=full, tokenize='unicode61 remove_diacritics 2')")
        docs: list[tuple[str, str]] = []
        rows: list[list[str]] = []
        findall = TOKEN.findall
        # The cyclic garbage collector would walk the whole registry again and again
        # while millions of small strings are made; none of them form cycles.
        try:
            with paused_gc():
                # Pass 1: the words of every field (each distinct text once): the vocabulary.
                words_of: dict[str, str] = {}
                for kind, eid, fields in _documents(registry):
                    docs.append((kind, eid))
                    row = []
                    for texts in fields:
                        text = " ".join(texts)
                        w = words_of.get(text)
                        if w is None:
                            w = words_of[text] = " ".join(findall(fold(text)))
                        row.append(w)
                    rows.append(row)
                vocabulary: set[str] = set()
                for w in words_of.values():
                    vocabulary.update(w.split())
                del words_of
                synonyms = _Synonyms(registry.synonyms)
                extra = load_wordlist(WORDLIST) if wordlist is None else frozenset(wordlist)
                decompounder = Decompounder(
                    vocabulary | extra if decompound else (), stems_of=vocabulary,
                    **DECOMPOUND)
                # Pass 2: each word's stem, followed by the stems of its parts.
                analysed: dict[str, str] = {}
                split = decompounder.split if decompound else (lambda _w: ())
                for word in vocabulary:
                    analysed[word] = " ".join(dict.fromkeys(
                        (stem(word), *map(stem, split(word)))))
                stems_made = {s for a in analysed.values() for s in a.split()}
                stemmed_text: dict[str, str] = {}

                def stemmed(text: str) -> str:
                    s = stemmed_text.get(text)
                    if s is None:
                        s = stemmed_text[text] = " ".join(map(analysed.__getitem__, text.split()))
                    return s

                conn.execute("BEGIN")
                conn.executemany(
                    f"INSERT INTO docs(rowid, {', '.join(_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * (len(_COLUMNS) + 1))})",
                    ((i, *row, *map(stemmed, row)) for i, row in enumerate(rows, 1)))
                conn.execute("COMMIT")
                conn.execute("INSERT INTO docs(docs) VALUES('optimize')")
                units = sum(1 for kind, _ in docs if kind == "unit")
                index = cls(registry, conn, docs, frozenset(vocabulary), frozenset(stems_made),
                            decompounder, synonyms, units)
                index._decompound = decompound
                return index
        except BaseException:
            conn.close()
            raise

    def updated(self, registry: Registry) -> SearchIndex | None:
        """An index of *registry* made from this one (an index of an earlier version) by
        replacing only the documents that changed; None when that cannot give exactly
        what :meth:`build` gives, and the caller builds in full.

        Exact when the documents are the same in number, kind and order (their rowids,
        hence the order in which a capped tier is cut) and the vocabulary is unchanged (a
        new word, or the last of one gone, changes how compounds are split everywhere):
        a hand-over, a move, a new function or task.  Adding or removing an entity, or a
        title of another length, moves rowids: built in full.  This index is not changed
        (readers of the old version go on using it).

        Notes
        -----
        $O(n)$ comparisons of the documents' texts, plus $O(k)$ FTS5 deletes and inserts
        for $k$ changed documents, plus a copy of the database (``serialize``) and a
        re-read of the vocabulary's document counts.
        """
        if registry.synonyms != self.registry.synonyms or not hasattr(self, "_decompound"):
            return None
        rowid_of = {doc: n for n, doc in enumerate(self._docs, 1)}
        changed = _changed_documents(self.registry, registry, rowid_of)
        docs = self._docs
        if changed is None:  # compare every document
            old = list(_documents(self.registry))
            new = list(_documents(registry))
            if len(old) != len(new) or any(a[0] != b[0] for a, b in zip(old, new, strict=True)):
                return None
            changed = [(i, a[2], b[2]) for i, (a, b) in enumerate(zip(old, new, strict=True), 1)
                       if a[1] != b[1] or a[2] != b[2]]
            docs = [(kind, eid) for kind, eid, _ in new]
        findall = TOKEN.findall

        def words(fields: tuple[tuple[str, ...], ...]) -> list[str]:
            return [" ".join(findall(fold(" ".join(texts)))) for texts in fields]

        vocabulary = self._words
        rows = [(rowid, words(was), words(now)) for rowid, was, now in changed]
        gone: set[str] = set()
        for _, was, now in rows:
            now_words = {w for text in now for w in text.split()}
            if not now_words <= vocabulary.keys():
                return None  # a new word: the compounds would split otherwise
            gone.update(w for text in was for w in text.split() if w not in now_words)
        split = self._decompounder.split if self._decompound else (lambda _w: ())
        analysed: dict[str, str] = {}

        def stemmed(text: str) -> str:
            out = []
            for w in text.split():
                a = analysed.get(w)
                if a is None:
                    a = analysed[w] = " ".join(dict.fromkeys((stem(w), *map(stem, split(w)))))
                out.append(a)
            return " ".join(out)

        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        try:
            with self._lock:
                conn.deserialize(self._conn.serialize())
            cols = ", ".join(_COLUMNS)
            marks = ", ".join("?" * (len(_COLUMNS) + 1))
            conn.execute("BEGIN")
            for rowid, was, now in rows:
                # A contentless table forgets a document only when told its old values.
                conn.execute(f"INSERT INTO docs(docs, rowid, {cols}) VALUES ('delete', {marks})",
                             (rowid, *was, *map(stemmed, was)))
                conn.execute(f"INSERT INTO docs(rowid, {cols}) VALUES ({marks})",
                             (rowid, *now, *map(stemmed, now)))
            conn.execute("COMMIT")
            if gone:
                conn.execute("CREATE VIRTUAL TABLE temp.vocab_col USING "
                              "fts5vocab(main, docs, 'col')")
                for w in gone:
                    left = conn.execute("SELECT count(*) FROM temp.vocab_col WHERE term = ? "
                                        "AND col IN ('title', 'keywords', 'body')",
                                        (w,)).fetchone()[0]
                    if not left:
                        conn.close()
                        return None  # the last of a word is gone
                conn.execute("DROP TABLE temp.vocab_col")
            # The same words (checked above): only the changed documents' terms are
            # counted again.
            terms = {t for _, was, now in rows for text in (*was, *now, *map(stemmed, was),
                                                            *map(stemmed, now))
                     for t in text.split()}
            index = SearchIndex(registry, conn, list(docs), frozenset(vocabulary), self._stems,
                                self._decompounder, self._synonyms, self._units,
                                like=(self, terms))
        except BaseException:
            conn.close()
            raise
        index._decompound = self._decompound
        return index

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
        # Query words that are not indexed are split into indexed parts (words or stems).
        self._query_splitter = Decompounder(words, stems_of=(), stems=stems,
                                            any_part_inflected=True, **DECOMPOUND)

    def _recount(self, base: SearchIndex, terms: Iterable[str]) -> None:
        """The vocabulary of *base* (an index of the same words: see :meth:`updated`) with
        the document counts of *terms* read anew: $O(k)$ lookups for $k$ terms instead
        of a scan of the whole vocabulary."""
        self._stems, self._sorted_words = base._stems, base._sorted_words
        self._by_len, self._query_splitter = base._by_len, base._query_splitter
        words = dict(base._words)
        self._conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, docs, 'row')")
        for term in terms:
            if term in words:
                got = self._conn.execute("SELECT doc FROM temp.vocab WHERE term = ?",
                                         (term,)).fetchone()
                words[term] = got[0] if got else 0
        self._words = words

    def __len__(self) -> int:
        return len(self._docs)

    @property
    def vocabulary_size(self) -> int:
        return len(self._words)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection to this index's database for one query's SQL: the index's own
        when free, else one of ``_SPARE_CONNECTIONS`` copies (made when first needed), so
        that the SQL of two queries can run at once — SQLite runs without the
        interpreter lock.  The copies are kept beside the index (:func:`_query_state`),
        never saved with it."""
        state = _query_state(self)
        conn: sqlite3.Connection | None = None
        own = self._lock.acquire(blocking=False)
        if not own:
            with state.cond:
                while True:
                    if self._lock.acquire(blocking=False):
                        own = True
                    elif state.free:
                        conn = state.free.pop()
                    elif state.made < _SPARE_CONNECTIONS:
                        state.made += 1  # made below, outside the condition's lock
                    else:
                        # (a release that saw no one waiting does not notify: look
                        # again now and then)
                        state.waiting += 1
                        state.cond.wait(0.01)
                        state.waiting -= 1
                        continue
                    break
        if own:
            try:
                yield self._conn
            finally:
                self._lock.release()
                if state.waiting:  # the common case, no one waiting, takes no lock
                    with state.cond:
                        state.cond.notify()
            return
        if conn is None:
            try:
                with self._lock:
                    image = self._conn.serialize()
                conn = sqlite3.connect(":memory:", check_same_thread=False,
                                       isolation_level=None)
                conn.deserialize(image)
            except BaseException:
                with state.cond:
                    state.made -= 1
                    state.cond.notify()
                raise
        try:
            yield conn
        finally:
            with state.cond:
                state.free.append(conn)
                if state.waiting:
                    state.cond.notify()

    # -- querying -----------------------------------------------------------------------
    def search(self, query: str, limit: int = 20, *, today: dt.date | None = None
               ) -> SearchResult:
        """Ranked hits for what a user typed; never raises on odd input.

        Parameters
        ----------
        query
            Free text in Dutch: any characters, any length (only the start is used).
        limit
            The most hits to return.
        today
            The reference date for ``stale`` in each hit (default: today).

        Returns
        -------
        SearchResult
            Hits in rank order: a name equal to the query, then dossiers whose title or
            keywords hold every word, then collaborations by name, then the rest; within
            each, by tier (exact > stem > prefix > compound > fuzzy > partial) and BM25.
            With unknown words, the suggestions; with no hit, ``help``.
        """
        q = _Query.parse(query if isinstance(query, str) else str(query), self._synonyms)
        limit = max(0, int(limit))
        today = today or dt.date.today()
        if not q.words or not limit:
            # Nothing to search for (emoji, punctuation): still say whom to ask.
            help_ = self._help(q) if limit and str(query).strip() else {}
            return SearchResult(query, q.words, (), help=MappingProxyType(help_))
        last = len(q.words) - 1
        plan: dict[str, _Alternatives] = {}
        written: dict[str, _Alternatives] = {}
        unknown = []
        for i, w in enumerate(q.words):
            terms = self._synonyms.terms(tuple(w.split()))
            plan[w] = written[w] = [(t,) for t in terms]
            if len(terms) == 1 and w not in STOPWORDS and not self._known(
                    w, q.prefix and i == last):
                unknown.append(w)
        splits: dict[str, tuple[str, ...]] = {}
        corrections: dict[str, tuple[str, ...]] = {}
        for w in unknown:
            parts = self._query_splitter.split(w)
            if parts:
                # The top-level parts (the first cover) are what must all be found.
                splits[w] = parts = self._query_splitter.cover(w)
                plan[w] = [tuple((p,) for p in parts)]
            else:
                corrections[w] = self._closest(w)
        done = self._completions(q.words[-1]) if q.prefix else ()
        found: dict[int, tuple[str, int, float]] = {}
        with self._connection() as conn:
            run = functools.partial(self._run, conn)
            if not unknown:
                run("exact", _expr(q, written, cols=_NAMES, stems=False), limit, found)
                # Units whose names hold the word must not crowd out the dossiers whose
                # titles hold it as a compound part: without a dossier yet, look on.
                run("stem", _expr(q, plan), limit, found, always=not any(
                    self._docs[r - 1][0] == "dossier" for r in found))
                # A last word that is itself indexed is finished (its compounds are
                # found by their parts); only an unfinished one is completed.
                if q.prefix and q.words[-1] not in self._words:
                    run("prefix", _expr(q, plan, prefix=True, completions=done),
                              limit, found)
            elif not corrections:
                run("compound", _expr(q, plan), limit, found)
                if not found:
                    # The parts never meet in one entry: a typo that happens to split
                    # (integritiet) rather than a compound.
                    for w in splits:
                        corrections[w] = self._closest(w)
                        plan[w] = written[w]
                    splits = {}
            if corrections and all(corrections.values()):
                # The closest words as written first, then any candidate by its stem.
                best = {**plan, **{w: [((c[0],),)] for w, c in corrections.items()}}
                fuzzy = {**plan, **{w: [((x,),) for x in c] for w, c in corrections.items()}}
                run("fuzzy", _expr(q, best, cols=_WORDS, stems=False, prefix=q.prefix,
                                         completions=done), limit, found)
                run("fuzzy", _expr(q, fuzzy, prefix=q.prefix, completions=done),
                          limit, found)
                plan = fuzzy
            if not found and len(q.words) > 1:
                anyword = {**plan, **{w: [((x,),) for x in c]
                                      for w, c in corrections.items() if c}}
                for w, c in corrections.items():
                    if not c:
                        anyword.pop(w, None)
                expr = _expr(q, anyword, prefix=q.prefix, completions=done, join=" OR ")
                if expr:
                    run("partial", expr, limit, found)
        # Ranking and the hits' details need no connection: another query may use it.
        hits = self._order(found, q, plan, today, limit)
        help_ = {} if hits else self._help(q)
        corrections = {w: c for w, c in corrections.items() if c}
        return SearchResult(query, q.words, tuple(hits), self._suggest(q, corrections),
                            MappingProxyType(corrections), MappingProxyType(splits),
                            MappingProxyType(help_))

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

    def _closest(self, word: str, loose: bool = False) -> tuple[str, ...]:
        """Indexed words nearest to an unknown one, best first (at most 3).

        Damerau–Levenshtein (optimal string alignment) distance: 1 edit for words of up to
        five letters, 2 for longer ones (``loose``: one more, for the help without a
        hit).  Only the words at the smallest distance found are kept (*stofen*:
        *stoffen*, not also *sturen*); ties go to the word found in more documents.
        Only words within ``k`` letters of the length are compared, so a query costs
        $O(m)$ distance computations for the $m$ such words.
        """
        if len(word) < 3 or word.isdigit() or " " in word or len(word) > 64:
            return ()
        k = (1 if len(word) <= 5 else 2) + loose
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

    def _run(self, conn: sqlite3.Connection, tier: str, expr: str, limit: int,
             found: dict[int, tuple[str, int, float]], always: bool = False) -> None:
        """Add the best hits of one step to ``found``: rowid -> (tier, step, score).

        Steps run in order; a hit keeps the first step that found it, and ranks below the
        hits of earlier steps.  A step runs only while the page is not full, unless
        ``always`` (the stem step finds dossiers by the parts of their titles, which
        must not be crowded out by units whose names hold the very word).

        Ranking costs a BM25 evaluation per match, so a tier matching more than
        ``_RANK_CAP`` documents ranks only the first ``_RANK_CAP`` in rowid order.
        """
        if not expr or (len(found) >= limit and not always):
            return
        # Explicit bm25() rather than the configured ``rank``: the latter takes FTS5's
        # slower sorting path (measured 2-3 ms more per query at 100,000 dossiers).  FTS5
        # yields a MATCH in rowid order, so the inner LIMIT keeps the first _RANK_CAP
        # matches (what a bound on the rowid did, with the MATCH run twice), and the
        # sorter sees them in the same order: the same rows, ties included.
        rows = conn.execute(
            f"SELECT rowid, r FROM (SELECT rowid, bm25(docs, {_BM25_WEIGHTS}) AS r "
            "FROM docs WHERE docs MATCH ?1 LIMIT ?2) ORDER BY r LIMIT ?3",
            (expr, _RANK_CAP, limit + len(found))).fetchall()
        step = len({s for _, s, _ in found.values()})
        for rowid, rank in rows:
            if rowid not in found:
                found[rowid] = (tier, step, -rank)

    # -- ranking ------------------------------------------------------------------------
    def _order(self, found: Mapping[int, tuple[str, int, float]], q: _Query,
               plan: Mapping[str, _Alternatives], today: dt.date, limit: int) -> list[Hit]:
        """Hits by what they answer, then by step, then BM25.

        0. a name equal to the query: a dossier's title or keyword, a unit's name or
           abbreviation, a person's name (initials may be left out);
        1. a dossier whose title and keywords hold every query word (by stem, compound
           part or synonym);
        2. a collaboration whose name holds every query word;
        3. anything else (a unit or person by its tasks or function, a dossier by its
           description).
        """
        whole = {" ".join(q.words)}
        if len(q.words) == 1:
            whole.update(" ".join(t) for t in self._synonyms.terms(tuple(q.words[0].split())))
        # Each alternative of each query word as the set of stems it needs: a subset
        # test per alternative, in C.
        wanted = [[frozenset(s for phrase in alt for s in phrase) for alt in alts]
                  for alts in map(_stems_of, (plan.get(w, []) for w in q.words))]
        ranked = []
        for rowid, (tier, step, score) in found.items():
            kind, eid = self._docs[rowid - 1]
            e = self.registry.get(eid)
            ranked.append(((self._answer_class(kind, e, q, whole, wanted), step, -score,
                            kind, eid), rowid, tier, score))
        ranked.sort(key=lambda r: r[0])
        details = _query_state(self).details
        return [self._hit(rowid, tier, score, today, details)
                for _, rowid, tier, score in ranked[:limit]]

    def _answer_class(self, kind: str, e: Any, q: _Query, whole: set[str],
                      wanted: list[list[frozenset[str]]]) -> int:
        names, name_words, have = self._name_terms(e)
        if names & whole:
            return 0
        if kind == "person":
            tokens = [t for t in name_words if len(t) > 1 and t not in _NAME_PARTICLES]
            if tokens and all(w in tokens or (q.prefix and i == len(q.words) - 1 and any(
                    t.startswith(w) for t in tokens)) for i, w in enumerate(q.words)):
                return 0
            return 3
        if kind not in ("dossier", "collaboration"):
            return 3
        for i, alts in enumerate(wanted):
            if not any(alt <= have for alt in alts):
                w = q.words[i]
                if not (q.prefix and i == len(q.words) - 1
                        and any(t.startswith(w) for t in name_words)):
                    return 3
        return 1 if kind == "dossier" else 2

    def _name_terms(self, e: Any) -> tuple[frozenset[str], tuple[str, ...], frozenset[str]]:
        """What an entity is called: its folded title, keywords and abbreviation (an
        equal query wins), their words, and the stems of those words and their parts.
        Cached per entity (bounded)."""
        got = self._name_cache.get(e.id)
        if got is None:
            title = getattr(e, "title", None) or getattr(e, "name", "")
            names = [title]
            if isinstance(e, Dossier):
                names.extend(e.keywords)
            elif isinstance(e, Unit) and e.abbreviation:
                names.append(e.abbreviation)
            words = tuple(tokenize(" ".join((title, *getattr(e, "keywords", ())))))
            split = self._decompounder.split
            got = (frozenset(" ".join(tokenize(n)) for n in names), words,
                   frozenset(stem(x) for w in words for x in (w, *split(w))))
            if len(self._name_cache) >= 50_000:  # bounded
                self._name_cache.clear()
            self._name_cache[e.id] = got
        return got

    # -- no hit: whom to ask ------------------------------------------------------------
    def _help(self, q: _Query) -> dict[str, Any]:
        """What to show instead of a bare "nothing found".

        ``units``: up to three units whose tasks (or names) best match the words or their
        nearest indexed words (BM25 over the unit documents, else fuzzy similarity of the
        whole query to each unit's tasks); ``words``: the closest indexed words by a
        looser similarity than "Bedoelde u"; ``contact``: ``settings.contact``.
        """
        reg = self.registry
        words = list(dict.fromkeys(
            c for w in q.words for c in self._closest(w, loose=True) if c != w
        ))[:_MAX_SUGGESTIONS * 2]
        units: list[str] = []
        terms = [stem(x) for w in (*q.words, *words) for x in w.split()]
        if terms and self._units:
            expr = f"{_STEMS} : ({' OR '.join(map(_quote, dict.fromkeys(terms)))})"
            with self._connection() as conn:
                rows = conn.execute(
                    f"SELECT rowid FROM docs WHERE docs MATCH ? AND rowid <= ? "
                    f"ORDER BY bm25(docs, {_BM25_WEIGHTS}) LIMIT 3", (expr, self._units)
                ).fetchall()
            units = [self._docs[r - 1][1] for (r,) in rows]
        if not units and reg.units and q.words:
            if self._unit_texts is None:
                self._unit_texts = {u.id: fold(" ".join((u.name, *u.tasks)))
                                    for u in reg.units.values()}
            best = process.extract(" ".join(q.words), self._unit_texts,
                                   scorer=fuzz.partial_token_set_ratio, limit=1)
            units = [key for _, _, key in best]
        out_units = []
        for uid in units:
            u = reg.units[uid]
            out_units.append({**(self._ref(uid) or {}), "tasks": list(u.tasks),
                              "head": self._contact(u.head)})
        return {"units": out_units, "words": words,
                "contact": getattr(reg.settings, "contact", None)}

    def _hit(self, rowid: int, tier: str, score: float, today: dt.date,
             details: dict[str, Mapping[str, Any]]) -> Hit:
        kind, eid = self._docs[rowid - 1]
        e = self.registry.get(eid)
        title = getattr(e, "title", None) or getattr(e, "name", eid)
        # What answers "whom do I call" depends on the entity alone: made once per
        # entity (bounded), shared by the hits that name it — read it, never change it.
        base = details.get(eid)
        if base is None:
            # made when the detail is first read: the viewer's search answer keeps each
            # entity's hit as JSON text and reads the detail only the first time
            base = functools.partial(self._cached_detail, e, details)
        return Hit(kind, eid, title, tier, score, _Detail(self._dated, base, e, today))

    def _dated(self, base: Mapping[str, Any], e: Any, today: dt.date) -> dict[str, Any]:
        """A hit's detail: the entity's *base* with ``reviewed`` and ``stale`` as of
        *today*."""
        reviewed = getattr(e, "reviewed", None)
        return {**base, "reviewed": reviewed.isoformat() if reviewed else None,
                "stale": bool(reviewed) and (
                    today - reviewed).days > self.registry.settings.stale_after_days}

    # -- what a hit carries -------------------------------------------------------------
    def _cached_detail(self, e: Any, details: dict[str, Mapping[str, Any]]
                       ) -> Mapping[str, Any]:
        base = details.get(e.id)
        if base is None:
            if len(details) >= _MAX_CACHED_DETAILS:
                details.clear()
            base = details[e.id] = self._detail(e)
        return base

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
    docs = _Document(reg)
    for u in reg.units.values():
        yield "unit", u.id, docs.unit(u)
    for d in sorted(reg.dossiers.values(), key=_dossier_order):
        yield "dossier", d.id, docs.dossier(d)
    for c in reg.collaborations.values():
        yield "collaboration", c.id, docs.collaboration(c)
    for p in reg.people.values():
        yield "person", p.id, docs.person(p)


def _dossier_order(d: Dossier) -> tuple[bool, int]:
    return (not d.active, len(d.title))


class _Document:
    """The texts of one entity's search document, per kind."""

    def __init__(self, reg: Registry):
        self.reg = reg

    def unit_names(self, uid: str | None) -> tuple[str, ...]:
        reg = self.reg
        u = reg.units.get(uid) if uid else None
        if u is None:
            return ()
        if u.parent and u.parent in reg.units:
            return (u.name, *self.unit_names(u.parent))
        return (u.name, u.abbreviation or "")

    def unit(self, u: Unit) -> tuple[tuple[str, ...], ...]:
        return ((u.name,), (u.abbreviation or "",), (*u.tasks, *self.unit_names(u.parent)))

    def dossier(self, d: Dossier) -> tuple[tuple[str, ...], ...]:
        p = self.reg.people.get(d.owner) if d.owner else None
        body = (d.description or "", *((p.name,) if p else ()),
                *self.unit_names(self.reg.penvoerder_of(d.id)))
        return ((d.title,), d.keywords, body)

    @staticmethod
    def collaboration(c: Collaboration) -> tuple[tuple[str, ...], ...]:
        return ((c.name,), (c.type,), (c.purpose or "",))

    def person(self, p: Person) -> tuple[tuple[str, ...], ...]:
        return ((p.name,), (), (p.function or "", *self.unit_names(p.unit)))


def _changed_documents(old: Registry, new: Registry, rowid_of: Mapping[tuple[str, str], int]
                       ) -> list[tuple[int, tuple, tuple]] | None:
    """(rowid, old texts, new texts) of the documents that differ between two versions
    whose unchanged entities are the same objects (:mod:`registry.incremental`); None
    when the documents' order could differ, or a change reaches too far to follow (a
    unit, or a person's name, in many documents): then every document is compared."""
    if list(old.units) != list(new.units) or any(
            old.units[k] is not v for k, v in new.units.items()):
        return None
    for table in ("dossiers", "collaborations", "people"):
        if list(getattr(old, table)) != list(getattr(new, table)):
            return None
    before, after = _Document(old), _Document(new)
    todo: dict[tuple[str, str], tuple] = {}
    for pid, p in new.people.items():
        q = old.people[pid]
        if q is p:
            continue
        if q.name != p.name:
            return None
        todo[("person", pid)] = (before.person(q), after.person(p))
        # the penvoerder of a dossier without one is its owner's directorate
        for did in {*old.dossiers_owned_by(pid), *new.dossiers_owned_by(pid)}:
            todo[("dossier", did)] = ()
    for did, d in new.dossiers.items():
        e = old.dossiers[did]
        if e is not d:
            if _dossier_order(e) != _dossier_order(d):
                return None  # the dossiers' rowids move
            todo[("dossier", did)] = ()
    for cid, c in new.collaborations.items():
        if old.collaborations[cid] is not c:
            todo[("collaboration", cid)] = (before.collaboration(old.collaborations[cid]),
                                            after.collaboration(c))
    out = []
    for (kind, eid), texts in todo.items():
        if kind == "dossier":
            texts = (before.dossier(old.dossiers[eid]), after.dossier(new.dossiers[eid]))
        if texts[0] != texts[1]:
            out.append((rowid_of[(kind, eid)], *texts))
    return sorted(out, key=lambda r: r[0])
