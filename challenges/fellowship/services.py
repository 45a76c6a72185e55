"""Fellowship selection: policy check → state guard → change → audit. They flush, never
commit."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from challenges.fellowship.models import (
    ApplicationOutcome,
    Cohort,
    Fellow,
    FellowshipApplication,
    FellowStatus,
    IdeaStage,
    Panel,
    PanelMember,
    Review,
)
from challenges.fellowship.scoring import (
    MIN_REVIEWERS,
    check_may_score,
    check_panel_members,
    clean_criteria,
    is_moderated,
    patient_or_public_ids,
    record_conflict,
    score_review,
    weighted_total,
)
from challenges.models import Challenge
from marketplace import audit
from marketplace.accounts import policy
from marketplace.accounts.models import Membership, Role, User
from marketplace.accounts.services import grant_role
from marketplace.db import flush_or_conflict, get_by_id, uk_today, utcnow
from marketplace.errors import Conflict, Forbidden, InvalidTransition, NotFound
from marketplace.notifications.services import notify
from marketplace.solutions.models import Solution
from marketplace.validation import FieldErrors, clean_choice, clean_line, clean_text

STAGE_NAME_LENGTH = 100


def open_cohort(session: Session, actor: User, data: dict) -> Cohort:
    if not policy.may_run_fellowship(actor):
        raise Forbidden("Only the innovation team opens a cohort")
    errors = FieldErrors()
    title = clean_line(errors, "title", data.get("title"), label="the title", max_length=200)
    themes = clean_text(
        errors, "themes", data.get("themes"), label="the themes", max_length=2000, required=True
    )
    eligibility = clean_text(
        errors,
        "eligibility",
        data.get("eligibility"),
        label="who is eligible",
        max_length=5000,
        required=True,
    )
    places, year = data.get("places"), data.get("year")
    if not isinstance(places, int) or isinstance(places, bool) or not 1 <= places <= 500:
        errors.add("places", "Give the number of places, from 1 to 500")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        errors.add("year", "Give the cohort's year")
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if not isinstance(opens_on, date) or not isinstance(closes_on, date):
        errors.add("closes_on", "Enter the dates applications open and close")
    elif closes_on <= opens_on:
        errors.add("closes_on", "Applications must close after they open")
    stages = _clean_stages(errors, data.get("stages"), opens_on)
    criteria = clean_criteria(errors, data.get("criteria"))
    errors.raise_if_any()
    cohort = Cohort(
        year=year,
        title=title,
        themes=themes,
        eligibility=eligibility,
        places=places,
        opens_on=opens_on,
        closes_on=closes_on,
        stages=stages,
        criteria=criteria,
        created_by_id=actor.id,
    )
    session.add(cohort)
    session.flush()
    audit.record(session, actor, "fellowship.cohort_opened", cohort, {"year": year})
    return cohort


def _clean_stages(errors: FieldErrors, raw, opens_on=None) -> list[dict]:
    """Stages in order, each a name or {"name", "ends_on"}; blank rows are skipped. The dates,
    where given, must not go backwards nor come before applications open. Stored as
    [{"name", "ends_on": "YYYY-MM-DD" or None}]."""
    stages, last_date = [], opens_on if isinstance(opens_on, date) else None
    for item in raw if isinstance(raw, list) else []:
        item = {"name": item} if isinstance(item, str) else item
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name.strip():
            continue
        name = clean_line(
            errors, "stages", name, label="each stage's name", max_length=STAGE_NAME_LENGTH
        )
        ends_on = _as_date(item.get("ends_on"))
        if ends_on is False:
            errors.add("stages", f"Give the date stage “{name[:STAGE_NAME_LENGTH]}” ends as a date")
        elif ends_on and last_date and ends_on < last_date:
            errors.add("stages", "Stage dates must run in order, from the day applications open")
        last_date = ends_on or last_date
        stages.append({"name": name, "ends_on": ends_on.isoformat() if ends_on else None})
    if len(stages) < 2 and "stages" not in errors:
        errors.add("stages", "Name at least two stages, for example screening and scoring")
    if len(stages) > 10:
        errors.add("stages", "A selection has at most ten stages")
    return stages


def _as_date(value) -> date | bool | None:
    """A date, None when not given, or False when given but not a date."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return False


def stage_name(cohort: Cohort, index: int) -> str:
    stages = cohort.stage_list()
    return stages[min(index, len(stages) - 1)]["name"]


def _linked(session: Session, actor: User, data: dict, errors: FieldErrors) -> dict:
    """An idea may answer a published challenge and may already have a solution record, which
    must be one the applicant's organisation holds."""
    links = {}
    challenge_id, solution_id = data.get("challenge_id"), data.get("solution_id")
    if challenge_id not in (None, ""):
        challenge = get_by_id(session, Challenge, challenge_id)
        if challenge is None or not policy.may_view_challenge(actor, challenge):
            errors.add("challenge_id", "Choose a challenge from the list")
        else:
            links["challenge_id"] = challenge.id
    if solution_id not in (None, ""):
        solution = get_by_id(session, Solution, solution_id)
        if solution is None or not policy.may_edit_solution(actor, solution):
            errors.add("solution_id", "Choose one of your organisation's solutions")
        else:
            links["solution_id"] = solution.id
    return links


def cohort_to_apply_to(session: Session, actor: User, cohort_id) -> Cohort:
    """The cohort, if this person may apply to it today (the apply page asks before showing
    the form)."""
    cohort = get_by_id(session, Cohort, cohort_id)
    if cohort is None:
        raise NotFound("There is no such cohort")
    if not policy.may_apply_to_fellowship(actor):
        raise Forbidden("The fellowship is for staff of the partnership's organisations")
    if cohort.status(uk_today()) != "open":
        raise InvalidTransition("This cohort is not taking applications today")
    return cohort


def apply(session: Session, actor: User, cohort_id, data: dict) -> FellowshipApplication:
    """NHS and partner staff apply with an idea, while the cohort is open, once each."""
    cohort = cohort_to_apply_to(session, actor, cohort_id)
    errors = FieldErrors()
    values = {
        "problem": clean_text(
            errors,
            "problem",
            data.get("problem"),
            label="the problem",
            max_length=5000,
            required=True,
        ),
        "idea": clean_text(
            errors, "idea", data.get("idea"), label="your idea", max_length=5000, required=True
        ),
        "service": clean_line(
            errors, "service", data.get("service"), label="the service it helps", max_length=300
        ),
        "support_needed": clean_text(
            errors,
            "support_needed",
            data.get("support_needed"),
            label="the support you need",
            max_length=5000,
            required=True,
        ),
    }
    stage = clean_choice(errors, "idea_stage", data.get("idea_stage"), IdeaStage)
    if stage is None and "idea_stage" not in errors:
        errors.add("idea_stage", "Choose how far the idea has got")
    links = _linked(session, actor, data, errors)
    errors.raise_if_any()
    if session.scalar(
        sa.select(FellowshipApplication.id).filter_by(cohort_id=cohort.id, applicant_id=actor.id)
    ):
        raise Conflict("You have already applied to this cohort")
    if session.scalar(sa.select(Fellow.id).filter_by(cohort_id=cohort.id, user_id=actor.id)):
        raise Conflict("You already have a place in this cohort, carried on from an earlier year")
    application = FellowshipApplication(
        cohort=cohort, applicant_id=actor.id, idea_stage=stage, **values, **links
    )
    session.add(application)
    session.flush()
    audit.record(session, actor, "fellowship.applied", application)
    return application


def form_panel(session: Session, actor: User, cohort_id, name, member_ids) -> Panel:
    """A panel needs at least two members, and at least one patient or public member."""
    if not policy.may_run_fellowship(actor):
        raise Forbidden("Only the innovation team forms panels")
    cohort = get_by_id(session, Cohort, cohort_id)
    if cohort is None:
        raise NotFound("There is no such cohort")
    errors = FieldErrors()
    name = clean_line(errors, "name", name, label="the panel's name", max_length=150)
    people = check_panel_members(session, errors, member_ids)
    errors.raise_if_any()
    panel = Panel(cohort_id=cohort.id, name=name)
    session.add(panel)
    for person in people:
        session.add(
            PanelMember(
                panel=panel,
                user_id=person.id,
                patient_or_public=person.has_role(Role.PANEL_PATIENT),
            )
        )
    session.flush()
    audit.record(session, actor, "fellowship.panel_formed", panel, {"members": len(people)})
    return panel


def assign(session: Session, actor: User, application_id, panel_id) -> list[Review]:
    """Every member of the panel reviews the application, except the applicant themselves."""
    if not policy.may_run_fellowship(actor):
        raise Forbidden("Only the innovation team assigns reviewers")
    application = _application_to_run(session, actor, application_id)
    panel = get_by_id(session, Panel, panel_id)
    if panel is None or panel.cohort_id != application.cohort_id:
        raise NotFound("There is no such panel in this cohort")
    if application.outcome is not None:
        raise InvalidTransition("This application has an outcome already")
    already = set(
        session.scalars(sa.select(Review.reviewer_id).filter_by(application_id=application.id))
    )
    # Nobody judges their own application, nor a rival's in the cohort they applied to.
    applicants = set(
        session.scalars(
            sa.select(FellowshipApplication.applicant_id).filter_by(cohort_id=application.cohort_id)
        )
    )
    reviews = [
        Review(application=application, panel_id=panel.id, reviewer_id=member.user_id)
        for member in panel.members
        if member.user_id not in already | applicants
    ]
    if not reviews:
        raise Conflict(
            "Everyone on that panel is already reviewing this application or has applied to "
            "this cohort"
        )
    session.add_all(reviews)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("Someone else assigned reviewers at the same time. Reload it.") from None
    audit.record(session, actor, "fellowship.assigned", application, {"panel": panel.id})
    return reviews


def own_review(session: Session, actor: User, application_id) -> Review:
    """The signed-in reviewer's own review of an application; anyone else's is as good as
    missing."""
    application = get_by_id(session, FellowshipApplication, application_id)
    review = application and session.scalar(
        sa.select(Review).filter_by(
            application_id=application.id, reviewer_id=getattr(actor, "id", None)
        )
    )
    if review is None:
        raise NotFound("You are not reviewing this application")
    return review


def declare_conflict(session: Session, actor: User, application_id, reason) -> Review:
    review = own_review(session, actor, application_id)
    record_conflict(review, reason, "application")
    flush_or_conflict(session, "review")
    audit.record(session, actor, "fellowship.conflict_declared", review.application)
    return review


def submit_review(session: Session, actor: User, application_id, scores, comment=None) -> Review:
    review = own_review(session, actor, application_id)
    check_may_score(actor, review, "application")
    score_review(review, scores, comment)
    flush_or_conflict(session, "review")
    audit.record(session, actor, "fellowship.scored", review.application)
    return review


def visible_reviews(session: Session, actor: User, application_id) -> list[Review]:
    """A reviewer sees the others only after submitting their own, and a recused one never;
    that holds for team members on a panel too. The rest of the team, except the applicant,
    sees every review."""
    application = get_by_id(session, FellowshipApplication, application_id)
    reviews = application and list(
        session.scalars(
            sa.select(Review).filter_by(application_id=application.id).order_by(Review.id)
        )
    )
    own = next((r for r in reviews or [] if r.reviewer_id == getattr(actor, "id", None)), None)
    if own is not None and (own.submitted_at is None or own.recused):
        return [own]
    if own is not None or (application and policy.may_run_selection_of(actor, application)):
        return reviews
    raise NotFound("You are not reviewing this application")


def application_as_seen_by(
    session: Session, actor: User, application_id
) -> tuple[FellowshipApplication, list[Review]]:
    """An application with the reviews this person may see: all for the team, as
    `visible_reviews` allows for an assigned reviewer, none for the applicant (who hears the
    moderated outcome and its reasons instead)."""
    application = get_by_id(session, FellowshipApplication, application_id)
    if application is None:
        raise NotFound("There is no such application")
    reviewer_ids = set(
        session.scalars(sa.select(Review.reviewer_id).filter_by(application_id=application.id))
    )
    if not policy.may_view_fellowship_application(actor, application, reviewer_ids):
        raise Forbidden("You may not see this application")
    if application.applicant_id == actor.id:
        return application, []
    return application, visible_reviews(session, actor, application.id)


def weighted_score(application: FellowshipApplication, reviews: list[Review]) -> float | None:
    return weighted_total(application.cohort.criteria, reviews)


def advance_stage(session: Session, actor: User, application_id) -> FellowshipApplication:
    """Moves an undecided application on to the cohort's next stage; the last stage is the
    decision itself, recorded by `decide`."""
    if not policy.may_run_fellowship(actor):
        raise Forbidden("Only the innovation team moves applications through the stages")
    application = _application_to_run(session, actor, application_id)
    if application.outcome is not None:
        raise InvalidTransition("This application has an outcome already")
    if application.stage_index >= len(application.cohort.stages) - 1:
        raise InvalidTransition("This application is at the last stage: record the outcome")
    application.stage_index += 1
    flush_or_conflict(session, "application")
    audit.record(
        session,
        actor,
        "fellowship.stage_advanced",
        application,
        {"stage": stage_name(application.cohort, application.stage_index)},
    )
    return application


def decide(
    session: Session, actor: User, application_id, outcome, reasons
) -> FellowshipApplication:
    """The moderated outcome, with reasons the applicant is sent (no silence), once every
    reviewer not recused has scored, and at least two have."""
    if not policy.may_run_fellowship(actor):
        raise Forbidden("Only the innovation team records the moderated outcome")
    application = _application_to_run(session, actor, application_id)
    if application.outcome is not None:
        raise InvalidTransition("This application has an outcome already")
    reviews = list(session.scalars(sa.select(Review).filter_by(application_id=application.id)))
    _check_fully_scored(reviews)
    errors = FieldErrors()
    chosen = clean_choice(errors, "outcome", outcome, ApplicationOutcome)
    if chosen is None and "outcome" not in errors:
        errors.add("outcome", "Choose accepted or not accepted")
    reasons = clean_text(
        errors, "reasons", reasons, label="the reasons", max_length=5000, required=True
    )
    errors.raise_if_any()
    if chosen == ApplicationOutcome.ACCEPTED:
        _check_not_a_fellow_already(session, application)
        check_a_place_is_free(session, application.cohort)
    application.outcome, application.outcome_reasons = chosen, reasons
    application.decided_at = utcnow()
    flush_or_conflict(session, "application")
    audit.record(session, actor, "fellowship.decided", application, {"outcome": chosen.value})
    if chosen == ApplicationOutcome.ACCEPTED:
        _enrol(session, actor, application)
    notify(
        session,
        [application.applicant],
        f"Your fellowship application to “{application.cohort.title}”: {chosen.label.lower()}. "
        f"{reasons}",
        "/fellowship/mine",
    )
    return application


def _application_to_run(session: Session, actor: User, application_id) -> FellowshipApplication:
    application = get_by_id(session, FellowshipApplication, application_id)
    if application is None:
        raise NotFound("There is no such application")
    if not policy.may_run_selection_of(actor, application):
        raise Forbidden("Someone else in the team runs the selection of your own application")
    return application


def _check_fully_scored(reviews: list[Review]) -> None:
    """The moderation rule of `scoring.is_moderated` (an application may be scored by more
    than one panel), with the reason when it is not met."""
    active = [r for r in reviews if not r.recused]
    waiting = [r.reviewer.name for r in active if r.submitted_at is None]
    if waiting:
        raise InvalidTransition("Not every reviewer has scored yet: " + ", ".join(waiting))
    if len(active) < MIN_REVIEWERS:
        raise InvalidTransition("At least two independent reviewers must score before a decision")
    patient_ids = set().union(*(patient_or_public_ids(r.panel) for r in active))
    if not is_moderated(reviews, patient_ids):
        raise InvalidTransition(
            "A patient or public member must score before a decision: assign another panel"
        )


def _check_not_a_fellow_already(session: Session, application: FellowshipApplication) -> None:
    """Someone carrying on from an earlier year may hold a place in this cohort already."""
    if session.scalar(
        sa.select(Fellow.id).filter_by(
            cohort_id=application.cohort_id, user_id=application.applicant_id
        )
    ):
        raise InvalidTransition(f"{application.applicant.name} already has a place in this cohort")


def check_a_place_is_free(session: Session, cohort: Cohort) -> None:
    """A withdrawn fellow's place can be offered again. The cohort's row is locked first (on
    PostgreSQL; SQLite serialises writers anyway) so that two people accepting at once cannot
    both take the last place."""
    session.execute(sa.select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())
    taken = session.scalar(
        sa.select(sa.func.count())
        .select_from(Fellow)
        .where(Fellow.cohort_id == cohort.id, Fellow.status != FellowStatus.WITHDRAWN)
    )
    if taken >= cohort.places:
        raise InvalidTransition(f"All {cohort.places} places in “{cohort.title}” are filled")


def _enrol(session: Session, actor: User, application: FellowshipApplication) -> Fellow:
    """An accepted applicant becomes a fellow of the cohort, carrying any solution record the
    idea already has, and holds the fellow role at their own organisation so that they can
    keep that record up to date."""
    fellow = Fellow(
        cohort_id=application.cohort_id,
        user_id=application.applicant_id,
        application_id=application.id,
        solution_id=application.solution_id,
    )
    session.add(fellow)
    flush_or_conflict(session, "fellow")
    audit.record(session, actor, "fellowship.fellow_enrolled", fellow)
    applicant = application.applicant
    home = next(
        (
            m.organisation
            for m in applicant.active_memberships
            if m.organisation.kind.value in policy.PARTNER_KINDS
        ),
        None,
    )
    if home is not None and not session.scalar(
        sa.select(Membership.id).where(
            Membership.user_id == applicant.id,
            Membership.organisation_id == home.id,
            Membership.role == Role.FELLOW,
            Membership.declined_at.is_(None),
            Membership.revoked_at.is_(None),
        )
    ):
        grant_role(session, actor, applicant, home, Role.FELLOW)
    return fellow
