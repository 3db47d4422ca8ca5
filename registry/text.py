"""The one text normaliser: folding, tokenising, Dutch stemming, stop words, decompounding.

Search (:mod:`registry.search`) and the overlap finding (:mod:`graph.analysis`) both go
through this module, so they agree on what counts as the same word: *Strategieën*,
*strategieen* and *strategie* are one stem here, and *Fietsparkeerbeleid* holds the
parts *fiets*, *parkeer* and *beleid*.

Decompounding follows the idea of Lucene's ``DictionaryCompoundWordTokenFilter`` [1]_:
keep the word and add the dictionary words found inside it.  Unlike Lucene, which adds
every dictionary word found anywhere in the token, a word is split only when dictionary
parts (joined by the Dutch linking sounds *-s-*, *-e-*, *-en-*) cover all of it, with the
fewest parts; each part is split again in the same way.  That keeps *beleid* whole
(no *bel* + *eid*) while *personeelstekort* gives *personeel* and *tekort*.

References
----------
.. [1] Apache Lucene, ``org.apache.lucene.analysis.compound.DictionaryCompoundWordTokenFilter``
   (analysis-common module), https://lucene.apache.org/core/
.. [2] M. Porter, "Dutch stemming algorithm", Snowball, https://snowballstem.org/algorithms/dutch/stemmer.html
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import snowballstemmer

__all__ = [
    "STOPWORDS",
    "WORDLIST",
    "Decompounder",
    "content_words",
    "fold",
    "load_wordlist",
    "stem",
    "tokenize",
]

#: Debian's Dutch word list (package ``wdutch``, OpenTaal), used when installed.
WORDLIST = Path("/usr/share/dict/dutch")

#: Question and function words: dropped from a query (unless nothing else is left) so the
#: content words decide, and never taken as a topic shared by two dossiers.
STOPWORDS = frozenset("""
    aan af al alle alles als ben bent bezig bij binnen dan dat de deze den der des die dit
    doe doen doet door een eens en er ergens gaan gaat gaan heb hebben heeft het hier hij
    hoe hou houd houden houdt ik in is je jij kan kun kunnen me meer mee met mij mijn moet
    moeten na naar niet nog of om onder ons ook op over te ten ter terecht tot tussen u uit
    van veel voor waar waarover wat we weet weten wel welke wie wij wil wordt worden ze zich
    zij zijn zit zitten zonder
    eigenaar dossierhouder contactpersoon verantwoordelijk verantwoordelijke aanspreekpunt
    informatie iemand vragen vraag
""".split())

# Letters that Unicode does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
                          "þ": "th", "ı": "i"})
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
# Letters and digits, as FTS5's unicode61 tokenizer sees them.
TOKEN = re.compile(r"[^\W_]+")

_STEMMER = snowballstemmer.stemmer("dutch")
_STEMMER_LOCK = threading.Lock()  # a Snowball stemmer keeps state while it works


def fold(text: str) -> str:
    """Lower case without diacritics: ``"Financiële Ruimte"`` → ``"financiele ruimte"``."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    return _MARKS.sub("", text).translate(_SPECIAL)


def tokenize(text: str) -> list[str]:
    """The folded words of a text, in order (letters and digits only)."""
    return TOKEN.findall(fold(text))


def content_words(text: str, extra_stopwords: frozenset[str] = frozenset()) -> list[str]:
    """The folded words of a text without :data:`STOPWORDS` (and ``extra_stopwords``)."""
    return [w for w in tokenize(text) if w not in STOPWORDS and w not in extra_stopwords]


def _stem(word: str) -> str:
    if not word.isalpha():  # numbers and codes (2035, f35) have no inflection
        return word
    with _STEMMER_LOCK:
        s = _STEMMER.stemWord(word)
    # Folding took the diaeresis that tells Snowball where a syllable starts
    # (strategieën, financiële), Snowball leaves -eel/-ele apart, and the verb stem
    # inside a compound (parkeer-) apart from the infinitive (parkeren → parker); these
    # rules bring such forms together: strategieen → strategie, personeel/personele →
    # personel, operationeel/operationele → operatie, parkeer → parker.
    if s.endswith(("ieen", "eeen")):
        return s[:-2]
    if s.endswith("ionel") and len(s) > 7:
        return s[:-4] + "e"
    if s.endswith("eel") and len(s) >= 6:
        return s[:-2] + "l"
    if s.endswith("eer") and len(s) >= 6:
        return s[:-2] + "r"
    return s


@lru_cache(maxsize=1 << 16)
def stem(word: str) -> str:
    """The Dutch stem of a folded word: Snowball ``dutch`` [2]_ plus four fixes for forms
    that folding or Snowball keep apart (cached: words repeat a lot).

    >>> [stem(w) for w in ("stoffen", "strategieen", "personele", "operationeel", "parkeer")]
    ['stof', 'strategie', 'personel', 'operatie', 'parker']
    """
    return _stem(word)


@lru_cache(maxsize=4)
def load_wordlist(path: str | Path = WORDLIST) -> frozenset[str]:
    """The folded words of a word list (one per line), or nothing when it is not there.

    Optional by design: without ``wdutch`` the register's own vocabulary is the whole
    dictionary.  Cached per path (about 0.3 s for the 413,000 words of ``wdutch``).
    """
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return frozenset()
    return frozenset(w for w in map(fold, text.split()) if w.isalpha())


_MAX_COVERS = 4  # covers kept per word: bounds the work on words with many readings
#: Derivational suffixes that are also words (heide, bier, plank …): never the last part
#: of a compound, so veiligheid and duurzaamheid stay whole (their stems already match
#: veilig and duurzaam).
SUFFIXES = frozenset("heid heden baar lijk lijke schap schappen loos loze zaam zame achtig "
                     "achtige ling lingen nis nissen dom ster tje".split())

#: Parts shorter than this help to cover a word (zee|fiets) but are not given out by
#: :meth:`Decompounder.split`: bel|eid would sit in every document that says beleid.
MIN_SPLIT_PART = 4


class Decompounder:
    """Split Dutch compounds into the dictionary words that make them up.

    Parameters
    ----------
    words : iterable of str
        The dictionary: folded words (the register's vocabulary, plus a word list).
    min_word : int
        Words shorter than this are never split (Lucene: 5).
    min_part : int
        The shortest part that may cover a word (Lucene's minimum subword size is 2).
        Parts shorter than :data:`MIN_SPLIT_PART` cover but are not given out.
    min_head : int, optional
        The shortest first part (*zee*|*spiegel*, *ict*|*beleid*); default ``min_part``.
    max_word : int
        Longer tokens are not split at all (pastes, codes): bounds the cost.
    stems_of : iterable of str, optional
        Words whose stems also count as known for the last part (an inflected last part:
        *emissies* in *scheepvaartemissies*).  Default: ``words``.
    stems : iterable of str, optional
        Known stems given directly (added to those of ``stems_of``).
    any_part_inflected : bool
        Let every part, not only the last, be known by its stem (for query words, split
        against the stems of an index).

    Notes
    -----
    A split is a cover of the word by dictionary parts, each optionally followed by a
    linking sound (``s``, ``e``, ``en``) before the next part, with the fewest parts
    (every such cover, up to four); the last part may also be an inflected form of a
    dictionary word (its stem is known), but never a derivational suffix
    (:data:`SUFFIXES`).  Dynamic programming over the end positions costs $O(L^2)$ set
    lookups (times the few covers kept) for a word of $L$ letters; results are cached
    per word.

    Examples
    --------
    >>> d = Decompounder(["fiets", "parkeer", "beleid", "personeel", "tekort"])
    >>> d.split("fietsparkeerbeleid")
    ('fiets', 'parkeer', 'beleid')
    >>> d.split("personeelstekorten")
    ('personeel', 'tekorten')
    >>> d.split("beleid")
    ()
    """

    LINKERS = ("", "s", "e", "en")

    def __init__(self, words: Iterable[str], *, min_word: int = 7, min_part: int = 4,
                 min_head: int | None = None, max_word: int = 48,
                 stems_of: Iterable[str] | None = None, stems: Iterable[str] = (),
                 any_part_inflected: bool = False):
        self.words = frozenset(words)
        self._stems = frozenset(stems).union(
            stem(w) for w in (self.words if stems_of is None else stems_of))
        self.min_word, self.min_part, self.max_word = min_word, min_part, max_word
        self.min_head = min_part if min_head is None else min_head
        self._any = any_part_inflected
        self._memo: dict[str, tuple[str, ...]] = {}

    def __contains__(self, word: str) -> bool:
        return word in self.words

    def _known(self, part: str, last: bool) -> bool:
        if last and part in SUFFIXES:
            return False
        return part in self.words or ((last or self._any) and stem(part) in self._stems)

    def _covers(self, word: str) -> list[tuple[str, ...]]:
        """Every cover of ``word`` by the fewest dictionary parts (at least two), best
        first: the longer first parts first (Lucene's "longest match"), so
        personeels|tekort comes before person|eel|stekort.  At most ``_MAX_COVERS``."""
        n, m = len(word), self.min_part
        head = self.min_head
        # best[i]: the covers of word[:i] with the fewest parts.
        best: list[list[tuple[str, ...]]] = [[] for _ in range(n + 1)]
        best[0] = [()]
        for i in range(n):
            if not best[i]:
                continue
            for j in range(i + (head if i == 0 else m), n + 1):
                part = word[i:j]
                last = j == n
                if (i == 0 and last) or not self._known(part, last):
                    continue
                for link in self.LINKERS if not last else ("",):
                    k = j + len(link)
                    # A linking sound joins two parts: never at the end of the word.
                    if k > n or word[j:k] != link or (link and k == n) or (
                            k < n and n - k < m):
                        continue
                    new = [(*c, part) for c in best[i]]
                    old = best[k]
                    if not old or len(new[0]) < len(old[0]):
                        best[k] = new[:_MAX_COVERS]
                    elif len(new[0]) == len(old[0]) and len(old) < _MAX_COVERS:
                        old.extend(new[:_MAX_COVERS - len(old)])
        covers = [c for c in best[n] if len(c) >= 2]
        covers.sort(key=lambda c: [-len(p) for p in c])
        return covers

    def cover(self, word: str) -> tuple[str, ...]:
        """The top-level parts of a folded word (not split further); () if none."""
        if len(word) < self.min_word or len(word) > self.max_word or not word.isalpha():
            return ()
        covers = self._covers(word)
        return covers[0] if covers else ()

    def split(self, word: str) -> tuple[str, ...]:
        """The parts of a folded word of :data:`MIN_SPLIT_PART` letters or more,
        recursively, in order; () when it is no compound."""
        if len(word) < self.min_word or len(word) > self.max_word or not word.isalpha():
            return ()
        cached = self._memo.get(word)
        if cached is not None:
            return cached
        parts: list[str] = []
        # Every cover with the fewest parts: zee|fiets and zeef|iets are both words, and
        # only the reader knows which was meant; Lucene too adds every dictionary word.
        for cover in self._covers(word):
            parts.extend(self._parts(cover))
        out = tuple(dict.fromkeys(p for p in parts if len(p) >= MIN_SPLIT_PART))
        if len(self._memo) > 200_000:  # bounded, whatever the input
            self._memo.clear()
        self._memo[word] = out
        return out

    def _parts(self, cover: tuple[str, ...]) -> list[str]:
        parts: list[str] = []
        for i, p in enumerate(cover):
            parts.append(p)
            # A part that ends in a linking sound may be the linked form of a shorter word
            # (havens|klimaat: haven): index both, as Snowball stems them apart.
            if i < len(cover) - 1:
                for link in self.LINKERS[1:]:
                    base = p[:-len(link)]
                    if p.endswith(link) and len(base) >= self.min_part and base in self.words:
                        parts.append(base)
            parts.extend(self.split(p))
        return parts
