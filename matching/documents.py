"""What the engine matches: plain documents, whatever they came from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Document:
    """``kind`` says which side of a match the document is on ("challenge" wants a maturity,
    "solution" offers one); benchmark documents leave it empty and the query is the wanting side.
    """

    id: str
    title: str
    text: str
    themes: frozenset[str] = field(default_factory=frozenset)
    maturity: str | None = None
    kind: str | None = None
    # Whole numbers kept beside the index for filtering candidates without a database query
    # (a status as bit flags, a closing day, …); the engine stores them and leaves their meaning
    # to the caller.
    filters: dict[str, int] = field(default_factory=dict, hash=False)

    @property
    def full_text(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text
