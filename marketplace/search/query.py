"""What someone typed, as words both engines can search for safely.

Only letters and digits reach either engine: quotes, operators and wildcards of FTS5 or
``tsquery`` syntax, ``%``, ``_`` and backslashes are separators, so no input can change the
shape of a query. Each word of three letters or more matches itself (stemmed: ``falls`` finds
"fall") or any word it begins (``frail`` finds "frailty"); whole-word matches rank higher
because they match both ways.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_LENGTH = 200
MAX_WORDS = 8
MAX_WORD_LENGTH = 40
PREFIX_FROM = 3  # shorter words ("ai", "uk") would begin far too many others

# The English stop words of PostgreSQL's snowball dictionary. Removed here too, so that
# SQLite, which keeps them, finds the same records.
STOP_WORD_TEXT = """i me my myself we our ours ourselves you your yours yourself yourselves he
    him his
    himself she her hers herself it its itself they them their theirs themselves what which who
    whom this that these those am is are was were be been being have has had having do does did
    doing a an the and but if or because as until while of at by for with about against between
    into through during before after above below to from up down in out on off over under again
    further then once here there when where why how all any both each few more most other some
    such no nor not only own same so than too very s t can will just don should now"""
STOP_WORDS = frozenset(STOP_WORD_TEXT.split())
WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class SearchQuery:
    """``words`` to search for, or ``problem``: a message for the person who typed ``text``."""

    text: str
    words: tuple[str, ...] = ()
    problem: str | None = None

    @classmethod
    def parse(cls, text: str | None) -> SearchQuery:
        text = (text or "").strip()
        if len(text) > MAX_LENGTH:
            return cls(text[:MAX_LENGTH], problem=f"Search for {MAX_LENGTH} characters or fewer")
        found = [w for w in WORD.findall(text.lower()) if len(w) <= MAX_WORD_LENGTH]
        words = tuple(dict.fromkeys(w for w in found if w not in STOP_WORDS))[:MAX_WORDS]
        if text and not words:
            return cls(text, problem="Search for a word that describes what you are looking for")
        return cls(text, words)

    def __bool__(self) -> bool:
        """True when there is something to search for (a problem searches for nothing)."""
        return bool(self.words) or self.problem is not None

    def fts5(self) -> str:
        """An FTS5 MATCH expression: every word, whole or as a prefix."""
        return " AND ".join(
            f'("{w}" OR "{w}"*)' if len(w) >= PREFIX_FROM else f'"{w}"' for w in self.words
        )

    def tsquery(self) -> str:
        """A ``to_tsquery`` expression with the same meaning."""
        return " & ".join(f"({w} | {w}:*)" if len(w) >= PREFIX_FROM else w for w in self.words)
