"""What the matching engine needs to remember between requests, and what people said about
its fits."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from challenges.models import Challenge
from marketplace.accounts.models import User
from marketplace.db import Base, UTCDateTime, enum_column, utcnow
from marketplace.solutions.models import LabelledEnum, Solution


class DocumentKind(LabelledEnum):
    CHALLENGE = "challenge"
    SOLUTION = "solution"


DocumentKind.LABELS = {"challenge": "Challenge", "solution": "Solution"}


class VectorUnit(LabelledEnum):
    """Passages rank documents; sentences explain a match by the closest pair of sentences."""

    PASSAGE = "passage"
    SENTENCE = "sentence"


VectorUnit.LABELS = {"passage": "Passage", "sentence": "Sentence"}


class IndexedDocument(Base):
    """One challenge or solution as last encoded by one model. ``content_hash`` is of the text
    the engine saw: when it still matches, the stored vectors are reused, never re-encoded."""

    __tablename__ = "indexed_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind, "document_kind"))
    object_id: Mapped[int]
    model: Mapped[str] = mapped_column(sa.String(200))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Where this document last moved in the change feed (see ``MatchingFeed``): its vectors,
    # or anything of its object that ranking reads (text, themes, maturity, status).
    generation: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")

    vectors: Mapped[list[StoredVector]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        order_by=lambda: [StoredVector.unit, StoredVector.position],
    )

    __table_args__ = (
        sa.UniqueConstraint(
            "kind", "object_id", "model", name="uq_indexed_documents_one_per_model"
        ),
        sa.Index("ix_indexed_documents_model_kind", "model", "kind"),
        sa.Index("ix_indexed_documents_feed", "model", "kind", "generation"),
    )


class MatchingFeed(Base):
    """Where the matching index's change feed stands: one row, made on first use.

    Every transaction that changes what ranking reads takes the next ``generation`` and stamps
    it on the documents it changed. Taking it locks this row until commit, so generations
    become visible in order, and a process holding generation g catches up by reading the
    documents stamped after g. ``epoch`` is new whenever the row is made afresh (an emptied or
    re-created database), which tells every process to start again."""

    __tablename__ = "matching_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    epoch: Mapped[str] = mapped_column(sa.String(32))
    generation: Mapped[int] = mapped_column(sa.BigInteger)


class StoredVector(Base):
    """A unit-length float32 vector, stored as raw bytes, with the text it was made from."""

    __tablename__ = "stored_vectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("indexed_documents.id", ondelete="CASCADE"), index=True
    )
    unit: Mapped[VectorUnit] = mapped_column(enum_column(VectorUnit, "vector_unit"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)

    document: Mapped[IndexedDocument] = relationship(back_populates="vectors")

    __table_args__ = (
        sa.UniqueConstraint(
            "document_id", "unit", "position", name="uq_stored_vectors_one_per_slot"
        ),
    )


class FeedbackSide(LabelledEnum):
    """Whose view of the match: the service that posted the challenge, or the innovator."""

    SERVICE = "service"
    INNOVATOR = "innovator"


FeedbackSide.LABELS = {"service": "Service", "innovator": "Innovator"}


class FeedbackStatus(LabelledEnum):
    SHORTLISTED = "shortlisted"
    DISMISSED = "dismissed"
    ACCEPTED = "accepted"


FeedbackStatus.LABELS = {
    "shortlisted": "Shortlisted",
    "dismissed": "Dismissed",
    "accepted": "Accepted",
}


class MatchFeedback(Base):
    """What one side decided about one challenge-solution fit. The score and signals the engine
    gave at that moment are kept: they are the labels fusion weights are learned from.
    An accepted fit (service side only) is what a test-bed agreement starts from."""

    __tablename__ = "match_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id"), index=True)
    solution_id: Mapped[int] = mapped_column(sa.ForeignKey("solutions.id"), index=True)
    side: Mapped[FeedbackSide] = mapped_column(enum_column(FeedbackSide, "feedback_side"))
    status: Mapped[FeedbackStatus] = mapped_column(enum_column(FeedbackStatus, "feedback_status"))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    score: Mapped[float | None]
    components: Mapped[dict | None] = mapped_column(sa.JSON)
    # The normalised signals the score was the weighted sum of, and the fit's place on the
    # list it was decided from (1: the top): what ``marketplace matching learn`` learns from.
    features: Mapped[dict | None] = mapped_column(sa.JSON)
    position: Mapped[int | None]
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    challenge: Mapped[Challenge] = relationship()
    solution: Mapped[Solution] = relationship()
    decided_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.UniqueConstraint(
            "challenge_id", "solution_id", "side", name="uq_match_feedback_one_per_side"
        ),
        sa.CheckConstraint(
            "status != 'accepted' OR side = 'service'", name="only_the_service_accepts"
        ),
    )


WEIGHT_NAMES = ("dense", "late", "lexical", "themes", "maturity")


class FusionWeights(Base):
    """One set of fusion weights learned from decisions, with who asked for it and the figures
    it was judged by (``figures``: held-back pairs ordered right by it and by the weights then
    in use, and how sure that is). At most one set is in use; with none, the engine's built-in
    weights are. A row's weights never change, so its id names them for good: each process
    compares the id in use with the one it ranks by (see ``live``)."""

    __tablename__ = "fusion_weights"

    id: Mapped[int] = mapped_column(primary_key=True)
    dense: Mapped[float]
    late: Mapped[float]
    lexical: Mapped[float]
    themes: Mapped[float]
    maturity: Mapped[float]
    decisions: Mapped[int]  # learned from, and held back, together
    figures: Mapped[dict] = mapped_column(sa.JSON)
    adopted: Mapped[bool]  # did it beat the weights in use when it was learned
    in_use: Mapped[bool] = mapped_column(default=False)
    learned_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    learned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    put_in_use_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    put_in_use_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    learned_by: Mapped[User] = relationship(foreign_keys=[learned_by_id])
    put_in_use_by: Mapped[User | None] = relationship(foreign_keys=[put_in_use_by_id])

    __table_args__ = (
        *(sa.CheckConstraint(f"{name} >= 0", name=f"{name}_not_negative") for name in WEIGHT_NAMES),
        sa.CheckConstraint("adopted OR NOT in_use", name="only_adopted_weights_in_use"),
        sa.Index(
            "uq_fusion_weights_one_in_use",
            "in_use",
            unique=True,
            sqlite_where=sa.text("in_use"),
            postgresql_where=sa.text("in_use"),
        ),
    )
