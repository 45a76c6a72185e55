"""Who is testing or using what: adoption records, and enquiries from adopters to suppliers."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Organisation, User
from marketplace.db import get_by_id, utcnow
from marketplace.errors import Forbidden, InvalidTransition, NotFound
from marketplace.pagination import Page, paginate
from marketplace.solutions.models import (
    Adoption,
    AdoptionStage,
    Enquiry,
    Solution,
    solution_themes,
)
from marketplace.validation import FieldErrors, clean_line, clean_text

MESSAGE_LENGTH = 3000


def record_adoption(
    session: Session,
    actor: User,
    solution_id: int | None,
    organisation_id: int | None,
    site: str | None,
    stage: str | None,
    start_date: date | None,
    end_date: date | None = None,
) -> Adoption:
    errors = FieldErrors()
    solution = get_by_id(session, Solution, solution_id)
    if solution is None or solution.status != "published":
        errors.add("solution_id", "Choose a published solution")
    organisation = get_by_id(session, Organisation, organisation_id)
    if organisation is None or not policy.may_record_adoption_for(actor, organisation):
        errors.add("organisation_id", "Choose an NHS or care organisation you act for")
    site = clean_line(errors, "site", site, label="the site", max_length=200)
    chosen_stage = _stage(errors, stage)
    _check_dates(errors, start_date, end_date)
    errors.raise_if_any()
    adoption = Adoption(
        solution=solution,
        organisation=organisation,
        recorded_by_id=actor.id,
        site=site,
        stage=chosen_stage,
        start_date=start_date,
        end_date=end_date,
    )
    session.add(adoption)
    audit.record(
        session,
        actor,
        "adoption.recorded",
        adoption,
        {"solution_id": solution.id, "stage": chosen_stage.value},
    )
    return adoption


def update_adoption(
    session: Session, actor: User, adoption_id: int, stage: str | None, end_date: date | None
) -> Adoption:
    """Move an adoption on (exploring → piloting → using) or record that it stopped."""
    adoption = get_by_id(session, Adoption, adoption_id)
    if adoption is None:
        raise NotFound("No such adoption record")
    if not policy.may_record_adoption_for(actor, adoption.organisation):
        raise Forbidden("Only the adopting organisation can update its record")
    errors = FieldErrors()
    chosen_stage = _stage(errors, stage)
    _check_dates(errors, adoption.start_date, end_date)
    errors.raise_if_any()
    if adoption.stage == AdoptionStage.STOPPED:
        raise InvalidTransition("This adoption has stopped; record a new one to start again")
    adoption.stage, adoption.end_date = chosen_stage, end_date
    audit.record(session, actor, "adoption.updated", adoption, {"stage": chosen_stage.value})
    return adoption


def register(
    session: Session,
    *,
    organisation_id: int | None = None,
    theme_id: int | None = None,
    stage: str | None = None,
    page: int = 1,
) -> Page:
    """Every adoption across the partnership, newest first, filtered as asked."""
    statement = (
        sa.select(Adoption)
        .options(selectinload(Adoption.solution), selectinload(Adoption.organisation))
        .order_by(Adoption.start_date.desc(), Adoption.id.desc())
    )
    if organisation_id:
        statement = statement.where(Adoption.organisation_id == organisation_id)
    if stage in {s.value for s in AdoptionStage}:
        statement = statement.where(Adoption.stage == AdoptionStage(stage))
    if theme_id:
        statement = statement.where(
            Adoption.solution_id.in_(
                sa.select(solution_themes.c.solution_id).where(
                    solution_themes.c.theme_id == theme_id
                )
            )
        )
    return paginate(session, statement, page, 25)


def adopting_organisations(session: Session) -> list[Organisation]:
    statement = (
        sa.select(Organisation)
        .where(Organisation.id.in_(sa.select(Adoption.organisation_id)))
        .order_by(Organisation.name)
    )
    return list(session.scalars(statement))


def for_solution(session: Session, solution: Solution) -> list[Adoption]:
    statement = (
        sa.select(Adoption)
        .where(Adoption.solution_id == solution.id)
        .order_by(Adoption.start_date.desc())
    )
    return list(session.scalars(statement))


def send_enquiry(
    session: Session,
    actor: User,
    solution_id: int,
    organisation_id: int | None,
    message: str | None,
) -> Enquiry:
    solution = get_by_id(session, Solution, solution_id)
    if solution is None or solution.status != "published":
        raise NotFound("No such solution")
    errors = FieldErrors()
    organisation = get_by_id(session, Organisation, organisation_id)
    if organisation is None or not policy.may_enquire_for(actor, organisation):
        errors.add("organisation_id", "Choose an NHS or care organisation you act for")
    message = clean_text(
        errors, "message", message, label="your message", max_length=MESSAGE_LENGTH, required=True
    )
    errors.raise_if_any()
    enquiry = Enquiry(
        solution=solution, organisation=organisation, user=actor, message=message, sent_at=utcnow()
    )
    session.add(enquiry)
    audit.record(session, actor, "enquiry.sent", enquiry, {"solution_id": solution.id})
    return enquiry


def answer_enquiry(session: Session, actor: User, enquiry_id: int, answer: str | None) -> Enquiry:
    enquiry = get_by_id(session, Enquiry, enquiry_id)
    if enquiry is None or not _may_see_enquiry(actor, enquiry):
        raise NotFound("No such enquiry")
    if not policy.may_manage_solutions_for(actor, enquiry.solution.organisation_id):
        raise Forbidden("Only the supplier answers an enquiry")
    if enquiry.answered_at is not None:
        raise InvalidTransition("This enquiry has already been answered")
    errors = FieldErrors()
    answer = clean_text(
        errors, "answer", answer, label="your answer", max_length=MESSAGE_LENGTH, required=True
    )
    errors.raise_if_any()
    enquiry.answer, enquiry.answered_at, enquiry.answered_by_id = answer, utcnow(), actor.id
    audit.record(session, actor, "enquiry.answered", enquiry)
    return enquiry


def enquiries_for(session: Session, actor: User) -> tuple[list[Enquiry], list[Enquiry]]:
    """(enquiries the actor's organisations received as suppliers, enquiries they sent)."""
    supplier_ids = [
        m.organisation_id
        for m in actor.active_memberships
        if policy.may_manage_solutions_for(actor, m.organisation_id)
    ]
    received = []
    if supplier_ids:
        received = list(
            session.scalars(
                sa.select(Enquiry)
                .join(Enquiry.solution)
                .where(Solution.organisation_id.in_(supplier_ids))
                .order_by(Enquiry.sent_at.desc())
            )
        )
    sent = list(
        session.scalars(
            sa.select(Enquiry).where(Enquiry.user_id == actor.id).order_by(Enquiry.sent_at.desc())
        )
    )
    return received, sent


def _may_see_enquiry(actor: User, enquiry: Enquiry) -> bool:
    return enquiry.user_id == actor.id or policy.may_manage_solutions_for(
        actor, enquiry.solution.organisation_id
    )


def _stage(errors: FieldErrors, stage: str | None) -> AdoptionStage | None:
    try:
        return AdoptionStage(stage)
    except ValueError:
        errors.add("stage", "Choose exploring, piloting, using or stopped")
        return None


def _check_dates(errors: FieldErrors, start: date | None, end: date | None) -> None:
    if start is None:
        errors.add("start_date", "Enter the date it started")
    if start and end and end < start:
        errors.add("end_date", "The end date cannot be before the start date")
