"""Demo fellowship for the fictional partnership in marketplace.demo, written for it: last year's
cohort, finished, and this year's, in selection; funding the programme's solutions and fellows
have received; and one challenge whose service asked for a panel to score its responses.

Everything goes through the services. Where a service stamps today's date on something that
in the story happened last year (an application's submission, a decision, a score, a panel's
forming, a fellowship's end, a progress update) or checks that the cohort is open today
(``apply``), the date is set afterwards, here, and only on those timestamps; the audit events
keep the day the demo was loaded.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from challenges import models as challenge_models
from challenges.fellowship import fellows, services
from challenges.fellowship.demo_data import (
    CRITERIA,
    CURRENT,
    FUNDING,
    IDEAS,
    MENTORS,
    PANEL_CHALLENGE,
    PAST_DECISIONS,
    PAST_MILESTONES,
    REVIEWERS,
    SAMIRA,
    STAFF,
    TEAM,
)
from challenges.fellowship.models import Cohort, Fellow, Panel, Review
from challenges.models import Response, Theme
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organisation, Role, User
from marketplace.impact import funding
from marketplace.solutions.models import Solution

STEPS = 10 + len(PAST_DECISIONS)  # as many as steps() yields


def _user(session: Session, email: str) -> User:
    return session.scalars(sa.select(User).filter_by(email=email)).one()


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def steps(session: Session, password: str) -> Iterator[str]:
    """Load the fellowship demo in STEPS steps; ``password`` is the demo sign-in password."""
    team = _user(session, TEAM)
    for person in STAFF:
        organisation = session.scalars(
            sa.select(Organisation).filter_by(name=person.organisation)
        ).one()
        user = accounts.create_user(
            session, None, email=person.email, name=person.name, password=password
        )
        accounts.grant_role(session, None, user, organisation, Role.ADOPTER)
    yield "fellowship applicants"
    past_year = date.today().year - 1
    past = _cohort(session, team, past_year, f"Innovation fellowship {past_year}")
    yield f"cohort {past.title}"
    past_fellows = yield from _select_past(session, team, past)
    current = _current_cohort(session, team)
    yield f"cohort {current.title}"
    yield from _run_past(session, team, past, past_fellows, current)
    yield from _select_current(session, team, current)
    _current_fellowship(session, team, current)
    yield "the current cohort's fellows"
    _funding(session, team)
    yield "funding records"
    _challenge_panel(session, team)
    yield "a challenge's panel"


def _cohort(session: Session, team: User, year: int, title: str) -> Cohort:
    """Opened as if today, so that its applications go through ``apply``; dated afterwards."""
    return services.open_cohort(
        session,
        team,
        {
            "year": year,
            "title": title,
            "themes": "Health inequalities; care closer to home; the workforce; digital care.",
            "eligibility": "Anyone employed by the partnership's NHS trusts, integrated care "
            "board or council, with their manager's support for a day a week.",
            "places": 6,
            "opens_on": date.today() - timedelta(days=1),
            "closes_on": date.today() + timedelta(days=1),
            "stages": ["Applications", "Screening", "Panel scoring", "Decision"],
            "criteria": CRITERIA,
        },
    )


def _panel(session: Session, team: User, cohort: Cohort, name: str) -> Panel:
    return services.form_panel(
        session, team, cohort.id, name, [_user(session, e).id for e in REVIEWERS]
    )


def _apply(session: Session, email: str, cohort: Cohort):
    idea = IDEAS[email]
    return services.apply(
        session,
        _user(session, email),
        cohort.id,
        {
            "problem": idea.problem,
            "idea": idea.idea,
            "idea_stage": idea.stage,
            "service": idea.service,
            "support_needed": idea.support,
        },
    )


def _score(session: Session, application, reviewer: User, seed: int) -> None:
    scores = {c["name"]: 2 + (seed + i) % 4 for i, c in enumerate(CRITERIA)}
    services.submit_review(
        session, reviewer, application.id, scores, "Scored against the published criteria."
    )


def _select_past(session: Session, team: User, past: Cohort):
    """Last year's selection, from application to decision, dated in last year's spring."""
    year = past.year
    panel = _panel(session, team, past, f"Selection panel {year}")
    panel.formed_at = _at(date(year, 3, 2))
    reviewers = [_user(session, e) for e in REVIEWERS]
    found = {}
    for n, (email, outcome, reasons) in enumerate(PAST_DECISIONS):
        application = _apply(session, email, past)
        services.assign(session, team, application.id, panel.id)
        for _ in range(len(past.stages) - 1):
            services.advance_stage(session, team, application.id)
        for r, reviewer in enumerate(reviewers):
            _score(session, application, reviewer, n + r)
        services.decide(session, team, application.id, outcome, reasons)
        application.submitted_at = _at(date(year, 2, 3 + 3 * n))
        application.decided_at = _at(date(year, 4, 24))
        for review in session.scalars(sa.select(Review).filter_by(application_id=application.id)):
            review.submitted_at = _at(date(year, 3, 20 + n))
        if outcome == "accepted":
            fellow = session.scalars(
                sa.select(Fellow).filter_by(application_id=application.id)
            ).one()
            fellow.created_at = _at(date(year, 4, 24))
            found[email] = fellow
        yield f"{year} application from {application.applicant.name}"
    past.opens_on, past.closes_on = date(year, 1, 6), date(year, 2, 28)
    past.stages = [
        {"name": "Applications", "ends_on": f"{year}-02-28"},
        {"name": "Screening", "ends_on": f"{year}-03-13"},
        {"name": "Panel scoring", "ends_on": f"{year}-04-10"},
        {"name": "Decision", "ends_on": f"{year}-04-24"},
    ]
    session.flush()
    return found


def _run_past(session: Session, team: User, past: Cohort, found: dict, current: Cohort):
    """Mentors, milestones (mostly done), progress, four learning sessions with attendance; one
    fellow withdraws, one records their idea as a solution, Samira carries on into this year."""
    year = past.year
    for email, fellow in found.items():
        fellows.assign_mentor(session, team, fellow.id, _user(session, MENTORS[email]).id)
        for title, (month, day) in PAST_MILESTONES:
            due = date(year + (1 if month < 6 else 0), month, day)
            due = min(due, date.today() - timedelta(days=7))
            milestone = fellows.add_milestone(session, team, fellow.id, title, due)
            if email == "amara.nwosu@millbrook-council.example" and month != 6:
                continue  # withdrew before these
            if email == "daniel.price@millbrook.example" and month == 3:
                continue  # the one milestone left open when the fellowship ended
            fellows.complete_milestone(session, fellow.user, milestone.id, due - timedelta(days=3))
            update = fellows.report_progress(
                session, fellow.user, fellow.id, f"Done: {title.lower()}.", milestone.id
            )
            update.created_at = _at(due - timedelta(days=3))
    yield f"{year} fellows: mentors and milestones"
    sessions = [
        ("Understanding the problem", date(year, 5, 14)),
        ("Measuring what matters", date(year, 7, 9)),
        ("Information governance and clinical safety", date(year, 9, 17)),
        ("Making the case to buy", date(year, 11, 12)),
    ]
    for s, (title, held_on) in enumerate(sessions):
        learning = fellows.schedule_learning_session(session, team, past.id, title, held_on)
        for f, (email, fellow) in enumerate(found.items()):
            if email == "amara.nwosu@millbrook-council.example" and s > 1:
                continue  # had withdrawn
            attended = (s + f) % 5 != 3
            fellows.record_attendance(session, team, learning.id, fellow.id, attended)
    yield f"{year} learning sessions"
    amara = found["amara.nwosu@millbrook-council.example"]
    fellows.end_fellowship(session, team, amara.id, "withdrawn")
    amara.ended_at = _at(date(year, 8, 29))
    chloe = found["chloe.bennett@riverside.example"]
    fellows.create_solution_from_idea(session, chloe.user, chloe.id, _chloe_solution(session))
    for email in ("chloe.bennett@riverside.example", "daniel.price@millbrook.example"):
        fellows.end_fellowship(session, team, found[email].id, "completed")
        found[email].ended_at = _at(date(year, 12, 12))
    later = fellows.continue_fellowship(session, team, found[SAMIRA].id, current.id)
    found[SAMIRA].ended_at = _at(date(year, 12, 12))
    milestone = fellows.add_milestone(
        session,
        team,
        later.id,
        "Wound photo guide tested by two nursing teams",
        date.today() - timedelta(days=12),  # overdue
    )
    fellows.report_progress(
        session,
        later.user,
        later.id,
        "The second team starts next week; the first has used the guide on 31 patients.",
        milestone.id,
    )
    fellows.add_milestone(
        session,
        team,
        later.id,
        "Clinical safety case drafted",
        date.today() + timedelta(days=45),
    )
    yield f"{year} fellowships ended, and one carried on"


def _chloe_solution(session: Session) -> dict:
    themes = {t.name: t.id for t in session.scalars(sa.select(Theme))}
    return {
        "title": "Discharge medicines explained",
        "summary": "Plain-language explanations of each new medicine, sent by text at discharge.",
        "theme_ids": [themes["Digital"], themes["Patient safety"]],
        "care_settings": ["hospital", "home"],
        "maturity": "piloted",
        "evidence": "Tested on two wards with 140 patients: calls to the ward about medicines in "
        "the first week fell from 21% to 8% of patients.",
        "device_class": "not_a_device",
        "dtac_status": "in_progress",
        "dspt_status": "approaching",
        "cyber_essentials": "basic",
        "esf_tier": "a",
        "dcb0129_in_place": True,
        "clinical_safety_officer": "Chief pharmacist, Riverside (demo)",
        "pricing_model": "Free for test-bed sites; pricing to be agreed after evaluation.",
        "contact_name": "Chloe Bennett",
        "contact_email": "chloe.bennett@riverside.example",
        "publish": True,
    }


def _current_cohort(session: Session, team: User) -> Cohort:
    year = date.today().year
    cohort = _cohort(session, team, year, f"Innovation fellowship {year}/{(year + 1) % 100:02d}")
    today = date.today()
    cohort.places = 8
    cohort.opens_on, cohort.closes_on = today - timedelta(days=30), today + timedelta(days=21)
    cohort.stages = [
        {"name": "Applications", "ends_on": cohort.closes_on.isoformat()},
        {"name": "Screening", "ends_on": (today + timedelta(days=28)).isoformat()},
        {"name": "Panel scoring", "ends_on": (today + timedelta(days=49)).isoformat()},
        {"name": "Decision", "ends_on": (today + timedelta(days=63)).isoformat()},
    ]
    session.flush()
    return cohort


def _select_current(session: Session, team: User, current: Cohort) -> Iterator[str]:
    """Applications at every step: just in, screened, with the panel (some scores in, some
    not), fully scored and waiting for the team's decision."""
    panel = _panel(session, team, current, f"Selection panel {current.year}")
    reviewers = [_user(session, e) for e in REVIEWERS]
    for n, (email, reached) in enumerate(CURRENT):
        application = _apply(session, email, current)
        application.submitted_at = _at(date.today() - timedelta(days=25 - 4 * n))
        if reached == "submitted":
            continue
        services.advance_stage(session, team, application.id)
        if reached == "screened":
            continue
        services.advance_stage(session, team, application.id)
        services.assign(session, team, application.id, panel.id)
        if reached == "all scored":
            for r, reviewer in enumerate(reviewers):
                _score(session, application, reviewer, n + r)
        else:  # one score in, one reviewer recused, the patient member still to score
            _score(session, application, reviewers[0], n)
            services.declare_conflict(
                session, reviewers[1], application.id, "I manage the team the applicant works in."
            )
    yield f"{current.title} applications"


def _current_fellowship(session: Session, team: User, current: Cohort) -> None:
    """A learning session already held for this year's fellows (Samira, in her second year)."""
    held = fellows.schedule_learning_session(
        session,
        team,
        current.id,
        "Welcome and planning your year",
        date.today() - timedelta(days=3),
    )
    for fellow in session.scalars(sa.select(Fellow).filter_by(cohort_id=current.id)):
        fellows.record_attendance(session, team, held.id, fellow.id, True)
    fellows.schedule_learning_session(
        session,
        team,
        current.id,
        "Working with patients and the public",
        date.today() + timedelta(days=35),
    )


def _funding(session: Session, team: User) -> None:
    for title, email, funder, kind, amount, days, note in FUNDING:
        solution_id = fellow_id = None
        if title:
            solution_id = session.scalars(sa.select(Solution.id).filter_by(title=title)).first()
        if email:
            fellow_id = session.scalars(
                sa.select(Fellow.id)
                .join(User, User.id == Fellow.user_id)
                .where(User.email == email, Fellow.continues_from_id.is_(None))
            ).first()
        funding.record_funding(
            session,
            team,
            {
                "solution_id": solution_id,
                "fellow_id": fellow_id,
                "funder": funder,
                "kind": kind,
                "amount": amount,
                "received_on": date.today() - timedelta(days=days),
                "note": note,
            },
        )


def _challenge_panel(session: Session, team: User) -> None:
    """The service asks for a panel to score the responses to one challenge; the team forms
    it and assigns the responses; one reviewer has scored so far."""
    from challenges.fellowship import response_panels

    challenge = session.scalars(
        sa.select(challenge_models.Challenge).filter_by(title=PANEL_CHALLENGE)
    ).first()
    if challenge is None or not session.scalar(
        sa.select(sa.func.count()).select_from(Response).filter_by(challenge_id=challenge.id)
    ):
        return
    response_panels.request_panel(session, challenge.created_by, challenge.id)
    panel = response_panels.form_challenge_panel(
        session,
        team,
        challenge.id,
        "Young adults' appointments panel",
        [_user(session, e).id for e in REVIEWERS],
        [
            {"name": "Fit with the need", "weight": 50},
            {"name": "Evidence", "weight": 30},
            {"name": "Ease of adoption", "weight": 20},
        ],
    )
    reviews = response_panels.assign_responses(session, team, panel.id)
    first = _user(session, REVIEWERS[0])
    for review in reviews:
        if review.reviewer_id == first.id:
            response_panels.score_response(
                session,
                first,
                review.id,
                {"Fit with the need": 4, "Evidence": 3, "Ease of adoption": 4},
                "Promising; the evidence is from one pilot.",
            )
