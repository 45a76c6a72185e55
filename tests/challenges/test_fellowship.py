"""Fellowship selection through the services: panels always include a patient or public member,
reviewers score independently and blind, conflicts recuse, and every applicant hears why."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from challenges.fellowship import services
from challenges.fellowship.models import Cohort, FellowshipApplication, Panel
from marketplace.accounts.models import OrganisationKind, Role
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.notifications.models import Notification
from tests import factories

COHORT = {
    "year": 2027,
    "title": "Innovation fellowship 2027",
    "themes": "Health inequalities; workforce",
    "eligibility": "Staff of the partnership's trusts and council.",
    "places": 8,
    "opens_on": date.today() - timedelta(days=5),
    "closes_on": date.today() + timedelta(days=30),
    "stages": ["Eligibility screening", "Independent scoring", "Interview panel", "Decision"],
    "criteria": [{"name": "Need", "weight": 40}, {"name": "Feasibility", "weight": 60}],
}
IDEA = {
    "problem": "Young adults miss first appointments.",
    "idea": "A reminder written with young adults, sent by text.",
    "idea_stage": "concept",
    "service": "Outpatients",
    "support_needed": "Digital team time and a mentor.",
}


@pytest.fixture
def selection(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    applicant = factories.create_user(role=Role.SERVICE_LEAD)
    application = services.apply(session, applicant, cohort.id, IDEA)
    reviewers = [
        factories.create_user(role=Role.PANEL_PROFESSIONAL),
        factories.create_user(role=Role.PANEL_PROFESSIONAL),
        factories.create_user(role=Role.PANEL_PATIENT),
    ]
    panel = services.form_panel(
        session, team, cohort.id, "Scoring panel", [r.id for r in reviewers]
    )
    services.assign(session, team, application.id, panel.id)
    session.commit()
    return team, cohort, application, reviewers


def test_a_panel_without_a_patient_or_public_member_is_refused(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    professionals = [factories.create_user(role=Role.PANEL_PROFESSIONAL) for _ in range(2)]

    with pytest.raises(Invalid, match="problem") as error:
        services.form_panel(session, team, cohort.id, "Panel", [p.id for p in professionals])

    assert "patient or public member" in error.value.fields["member_ids"][0]
    assert session.scalar(sa.select(sa.func.count()).select_from(Panel)) == 0


def test_reviewers_score_blind_until_they_have_scored(session, selection):
    _, _, application, (first, second, _patient) = selection
    services.submit_review(session, first, application.id, {"Need": 4, "Feasibility": 3})

    assert [r.reviewer_id for r in services.visible_reviews(session, second, application.id)] == [
        second.id
    ]
    assert len(services.visible_reviews(session, first, application.id)) == 3


@pytest.mark.parametrize(
    "scores",
    [{"Need": 6, "Feasibility": 3}, {"Need": 4}, {"Need": 4, "Feasibility": 3, "Charm": 5}, "high"],
)
def test_scores_outside_the_scale_or_criteria_are_refused(session, selection, scores):
    _, _, application, (first, *_) = selection

    with pytest.raises(Invalid) as error:
        services.submit_review(session, first, application.id, scores)

    assert "scores" in error.value.fields
    session.rollback()
    assert all(
        r.submitted_at is None for r in services.visible_reviews(session, first, application.id)
    )


def test_a_conflict_recuses_and_an_unassigned_reviewer_cannot_score(session, selection):
    _, _, application, (first, *_) = selection
    outsider = factories.create_user(role=Role.PANEL_PROFESSIONAL)

    services.declare_conflict(session, first, application.id, "I manage the applicant")
    with pytest.raises(Forbidden, match="recused"):
        services.submit_review(session, first, application.id, {"Need": 4, "Feasibility": 3})
    with pytest.raises(NotFound):
        services.submit_review(session, outsider, application.id, {"Need": 4, "Feasibility": 3})


def test_no_decision_before_every_reviewer_has_scored_then_reasons_reach_the_applicant(
    session, selection
):
    team, _, application, (first, second, patient) = selection
    services.submit_review(session, first, application.id, {"Need": 4, "Feasibility": 3})

    with pytest.raises(InvalidTransition, match="Not every reviewer"):
        services.decide(session, team, application.id, "accepted", "Strong need")
    services.submit_review(session, second, application.id, {"Need": 5, "Feasibility": 4})
    services.submit_review(session, patient, application.id, {"Need": 5, "Feasibility": 2})
    with pytest.raises(Invalid):
        services.decide(session, team, application.id, "accepted", "")
    services.decide(session, team, application.id, "accepted", "A clear need, well evidenced.")

    assert application.outcome.value == "accepted"
    reviews = services.visible_reviews(session, team, application.id)
    assert services.weighted_score(application, reviews) == round((68 + 88 + 64) / 3, 1)
    told = session.scalars(
        sa.select(Notification.message).where(Notification.user_id == application.applicant_id)
    ).all()
    assert any("accepted" in m and "well evidenced" in m for m in told)


def test_applications_are_checked_and_made_once(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    staff = factories.create_user(role=Role.SERVICE_LEAD)
    supplier = factories.create_user(
        role=Role.INNOVATOR, organisation=factories.create_organisation(kind=OrganisationKind.SME)
    )

    with pytest.raises(Invalid) as error:
        services.apply(session, staff, cohort.id, {**IDEA, "idea_stage": "moonshot", "idea": ""})
    assert {"idea_stage", "idea"} <= set(error.value.fields)
    with pytest.raises(Forbidden):
        services.apply(session, supplier, cohort.id, IDEA)
    services.apply(session, staff, cohort.id, IDEA)
    with pytest.raises(Conflict):
        services.apply(session, staff, cohort.id, IDEA)
    assert session.scalar(sa.select(sa.func.count()).select_from(FellowshipApplication)) == 1


def test_only_the_team_opens_cohorts_with_sound_criteria(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)

    with pytest.raises(Forbidden):
        services.open_cohort(session, factories.create_user(role=Role.SERVICE_LEAD), COHORT)
    with pytest.raises(Invalid) as error:
        services.open_cohort(
            session, team, {**COHORT, "criteria": [{"name": "Need", "weight": 30}], "stages": []}
        )
    assert {"criteria", "stages"} <= set(error.value.fields)
    assert session.scalar(sa.select(sa.func.count()).select_from(Cohort)) == 0
