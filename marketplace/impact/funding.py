"""Inward investment and funding: the innovation team records what a solution or a fellow has
received; the team and the partner organisations read the list and its totals.

Records are append-only, like everything else an actor submits, and there is no withdraw
service. Nor is there a correction service yet, on purpose: a record has no column saying it was
superseded, and a correction that edited the amount in place would silently change figures
people have already read and exported. The sensible correction is ``correct_funding``: record
the right figures as a new record and point the old one at it (``superseded_by_id``), with the
totals leaving superseded records out. That needs a migration, so it is left for one; until then
every record counts, and the audit log shows who recorded each one.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from challenges.fellowship.models import Cohort, Fellow
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Organisation, User
from marketplace.db import MAX_ID, get_by_id, uk_today
from marketplace.errors import Forbidden
from marketplace.impact.models import FundingKind, FundingRecord
from marketplace.pagination import Page, paginate
from marketplace.search.engine import matching
from marketplace.search.query import SearchQuery
from marketplace.solutions.models import Solution
from marketplace.solutions.search import KIND as SOLUTION_KIND
from marketplace.validation import FieldErrors, clean_choice, clean_date, clean_line, clean_text

MAX_AMOUNT = 1_000_000_000  # £1bn: far beyond any single award, well within the column
UNPUBLISHED = "An unpublished solution"
SOLUTIONS_FOUND = 20  # the most solutions a search on the record form offers


def record_funding(session: Session, actor: User, data: dict) -> FundingRecord:
    """Record money (or valued in-kind support) received by a solution, a fellow or both.

    ``data``: solution_id and/or fellow_id (ids of records that exist; a solution that is not
    withdrawn, as the page offers), funder, kind (a FundingKind value), amount (whole pounds,
    1 to £1bn), received_on (a date, not in the future) and an optional note.
    """
    if not policy.may_record_funding(actor):
        raise Forbidden("Only the innovation team records funding")
    errors = FieldErrors()
    solution_id, fellow_id = _recipient(session, errors, data)
    funder = clean_line(errors, "funder", data.get("funder"), label="the funder", max_length=200)
    kind = clean_choice(errors, "kind", data.get("kind"), FundingKind, "Choose the kind of funding")
    if kind is None and "kind" not in errors:
        errors.add("kind", "Choose the kind of funding")
    amount = _amount(errors, data.get("amount"))
    received_on = clean_date(
        errors,
        "received_on",
        data.get("received_on"),
        label="the date it was received",
        earliest_year=1990,
        latest_year=None,
        not_after=uk_today(),
    )
    note = clean_text(errors, "note", data.get("note"), label="the note", max_length=2000)
    errors.raise_if_any()
    record = FundingRecord(
        solution_id=solution_id,
        fellow_id=fellow_id,
        funder=funder,
        kind=kind,
        amount=amount,
        received_on=received_on,
        note=note,
        recorded_by_id=actor.id,
    )
    session.add(record)
    session.flush()
    audit.record(
        session,
        actor,
        "funding.recorded",
        record,
        {"amount": amount, "kind": kind.value, "solution": solution_id, "fellow": fellow_id},
    )
    return record


def _recipient(session: Session, errors: FieldErrors, data: dict) -> tuple[int | None, int | None]:
    solution_id, fellow_id = data.get("solution_id"), data.get("fellow_id")
    found_solution = found_fellow = None
    if solution_id not in (None, ""):
        solution = get_by_id(session, Solution, solution_id)
        if solution is None:
            errors.add("solution_id", "Choose a solution from the list")
        elif solution.withdrawn_at is not None:
            errors.add("solution_id", "That solution has been withdrawn: choose another")
        else:
            found_solution = solution.id
    if fellow_id not in (None, ""):
        fellow = get_by_id(session, Fellow, fellow_id)
        if fellow is None:
            errors.add("fellow_id", "Choose a fellow from the list")
        else:
            found_fellow = fellow.id
    if solution_id in (None, "") and fellow_id in (None, ""):
        errors.add("solution_id", "Choose the solution or the fellow (or both) it was for")
    return found_solution, found_fellow


def _amount(errors: FieldErrors, value) -> int | None:
    """Whole pounds. Pages send text ("12,500" or "£12500" are fine); the API sends a number."""
    if isinstance(value, bool) or value in (None, ""):
        errors.add("amount", "Enter the amount in whole pounds, like 25000")
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str):
        value = value.replace(",", "").replace("£", "").strip()
        if not (value.isascii() and value.lstrip("-").isdigit()) or len(value) > 15:
            errors.add("amount", "Enter the amount in whole pounds, like 25000")
            return None
        value = int(value)
    if not isinstance(value, int):
        errors.add("amount", "Enter the amount in whole pounds, like 25000")
        return None
    if not 1 <= value <= MAX_AMOUNT:
        errors.add("amount", f"Enter an amount from £1 to £{MAX_AMOUNT:,}")
        return None
    return value


# --- the read side -------------------------------------------------------------------------


def listing(
    session: Session,
    actor: User,
    *,
    kind: FundingKind | None = None,
    solution_id: int | None = None,
    fellow_id: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """Newest first, optionally for one kind, one solution or one fellow."""
    if not policy.may_view_impact(actor):
        raise Forbidden("Funding is for the innovation team and the partner organisations")
    statement = (
        sa.select(FundingRecord)
        .options(
            joinedload(FundingRecord.solution),
            joinedload(FundingRecord.fellow).joinedload(Fellow.user),
            joinedload(FundingRecord.fellow).joinedload(Fellow.cohort),
        )
        .order_by(FundingRecord.received_on.desc(), FundingRecord.id.desc())
    )
    if kind is not None:
        statement = statement.where(FundingRecord.kind == kind)
    if solution_id is not None:
        statement = statement.where(FundingRecord.solution_id == solution_id)
    if fellow_id is not None:
        statement = statement.where(FundingRecord.fellow_id == fellow_id)
    return paginate(session, statement, page, per_page)


@dataclass(frozen=True)
class Totals:
    overall: int
    records: int
    by_kind: list[tuple[FundingKind, int, int]]  # kind, total pounds, records


def totals(session: Session) -> Totals:
    rows = session.execute(
        sa.select(
            FundingRecord.kind,
            sa.func.coalesce(sa.func.sum(FundingRecord.amount), 0),
            sa.func.count(FundingRecord.id),
        ).group_by(FundingRecord.kind)
    ).all()
    found = {kind: (int(total), count) for kind, total, count in rows}
    by_kind = [(kind, *found.get(kind, (0, 0))) for kind in FundingKind]
    return Totals(
        overall=sum(total for _, total, _ in by_kind),
        records=sum(count for _, _, count in by_kind),
        by_kind=by_kind,
    )


@dataclass(frozen=True)
class SolutionsFound:
    """What a search on the record form offers: ``choices`` (id, "Title (Organisation)"), at
    most ``SOLUTIONS_FOUND``, and whether ``more`` matched than are offered. Nothing is
    offered for an empty search, nor for one with a ``query.problem`` to show."""

    query: SearchQuery
    choices: list[tuple[int, str]]
    more: bool = False


def find_solutions(session: Session, text: str | None) -> SolutionsFound:
    """Solutions not withdrawn (as the form has always offered) with every word of ``text``
    in their title, supplier's name, themes or description, best match first, then by title.
    One statement, reading the three columns shown for one more than are offered."""
    query = SearchQuery.parse(text)
    if not query.words:
        return SolutionsFound(query, [])
    hits = matching(session, SOLUTION_KIND, query)
    rows = session.execute(
        _offered()
        .join(hits, hits.c.ref_id == Solution.id)
        .order_by(hits.c.score.desc(), Solution.title, Solution.id)
        .limit(SOLUTIONS_FOUND + 1)
    ).all()
    return SolutionsFound(
        query, [_choice(*row) for row in rows[:SOLUTIONS_FOUND]], len(rows) > SOLUTIONS_FOUND
    )


def offered_solution(session: Session, solution_id) -> tuple[int, str] | None:
    """The solution chosen on the form, as the form shows it, if it may be chosen: it exists
    and is not withdrawn. Anything else (no id, not a number, out of range) is None."""
    if not isinstance(solution_id, int) or isinstance(solution_id, bool):
        return None
    if not 1 <= solution_id <= MAX_ID:
        return None
    row = session.execute(_offered().where(Solution.id == solution_id)).first()
    return None if row is None else _choice(*row)


def _offered() -> sa.Select:
    return (
        sa.select(Solution.id, Solution.title, Organisation.name)
        .join(Organisation, Organisation.id == Solution.organisation_id)
        .where(Solution.withdrawn_at.is_(None))
    )


def _choice(solution_id: int, title: str, organisation: str) -> tuple[int, str]:
    """The title with the organisation, to tell namesakes apart."""
    return solution_id, f"{title} ({organisation})"


def fellow_choices(session: Session) -> list[tuple[int, str]]:
    fellows = session.execute(
        sa.select(Fellow.id, User.name, Cohort.year)
        .join(User, User.id == Fellow.user_id)
        .join(Cohort, Cohort.id == Fellow.cohort_id)
        .order_by(User.name, Cohort.year, Fellow.id)
    ).all()
    return [(fellow_id, f"{name} ({year} cohort)") for fellow_id, name, year in fellows]


def recipient_label(record: FundingRecord, actor: User) -> str:
    """What the list shows as the recipient. A solution is named only to those who may view it
    (`solution_title`). Fellows are named to the innovation team only:
    partners see the cohort, since a fellow's record is otherwise theirs, their mentor's and the
    team's."""
    parts = []
    if record.solution is not None:
        parts.append(solution_title(record.solution, actor))
    if record.fellow is not None:
        if policy.is_innovation_team(actor):
            parts.append(f"{record.fellow.user.name}, fellow ({record.fellow.cohort.year})")
        else:
            parts.append(f"A fellow of the {record.fellow.cohort.year} cohort")
    return "; ".join(parts)


def solution_title(solution: Solution | None, viewer: User | None) -> str | None:
    """A funded solution's title, for a viewer who may view the solution (a draft or withdrawn
    one only for its own organisation and the team, as everywhere else); "An unpublished
    solution" for anyone else. With no viewer, only a published solution is named."""
    if solution is None:
        return None
    if viewer is None:
        return solution.title if solution.status == "published" else UNPUBLISHED
    return solution.title if policy.may_view_solution(viewer, solution) else UNPUBLISHED
