"""Fellowship selection through the services: panels always include a patient or public member,
reviewers score independently and blind, conflicts recuse, and every applicant hears why."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_login import login_user
from sqlalchemy.orm import Session

from challenges.fellowship import queries, services
from challenges.fellowship.models import (
    Cohort,
    Fellow,
    FellowshipApplication,
    FellowStatus,
    Panel,
    Review,
)
from challenges.fellowship.schemas import FellowshipReviewSchema
from marketplace.accounts import services as accounts
from marketplace.accounts.models import OrganisationKind, Role, User
from marketplace.db import uk_today
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.notifications.models import Notification
from tests import factories

COHORT = {
    "year": 2027,
    "title": "Innovation fellowship 2027",
    "themes": "Health inequalities; workforce",
    "eligibility": "Staff of the partnership's trusts and council.",
    "places": 8,
    "opens_on": uk_today() - timedelta(days=5),
    "closes_on": uk_today() + timedelta(days=30),
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


def test_stages_carry_dates_in_order(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    stages = [
        {"name": "Screening", "ends_on": "2027-02-01"},
        {"name": "Scoring", "ends_on": date(2027, 3, 1)},
        "Decision",
    ]

    cohort = services.open_cohort(session, team, {**COHORT, "stages": stages})

    assert cohort.stages == [
        {"name": "Screening", "ends_on": "2027-02-01"},
        {"name": "Scoring", "ends_on": "2027-03-01"},
        {"name": "Decision", "ends_on": None},
    ]
    assert services.stage_name(cohort, 2) == "Decision"


@pytest.mark.parametrize(
    ("stages", "message"),
    [
        ([{"name": "A", "ends_on": "2027-03-01"}, {"name": "B", "ends_on": "2027-02-01"}], "order"),
        ([{"name": "A", "ends_on": "soon"}, "B"], "as a date"),
        ([{"name": "A"}, {"name": " "}, 7], "at least two stages"),
        ([f"Stage {n}" for n in range(11)], "at most ten"),
        ("Screening, scoring", "at least two stages"),
        (["S" * 101, "Decision"], "100 characters or fewer"),
        ([{"name": "Screening", "ends_on": "2020-01-01"}, "Decision"], "from the day"),
    ],
)
def test_stages_out_of_order_or_badly_dated_are_refused(session, stages, message):
    team = factories.create_user(role=Role.INNOVATION_TEAM)

    with pytest.raises(Invalid) as error:
        services.open_cohort(session, team, {**COHORT, "stages": stages})

    assert message in error.value.fields["stages"][0]
    assert session.scalar(sa.select(sa.func.count()).select_from(Cohort)) == 0


def test_applications_move_through_the_stages_to_the_last(session, selection):
    team, cohort, application, (first, *_) = selection

    with pytest.raises(Forbidden):
        services.advance_stage(session, first, application.id)
    for expected in ("Independent scoring", "Interview panel", "Decision"):
        services.advance_stage(session, team, application.id)
        assert services.stage_name(cohort, application.stage_index) == expected
    with pytest.raises(InvalidTransition, match="last stage"):
        services.advance_stage(session, team, application.id)
    assert application.stage_index == 3


def _score_all(session, application, reviewers):
    for reviewer in reviewers:
        services.submit_review(session, reviewer, application.id, {"Need": 4, "Feasibility": 4})


def test_an_accepted_applicant_becomes_a_fellow_with_the_fellow_role(session, selection):
    team, cohort, application, reviewers = selection
    _score_all(session, application, reviewers)

    services.decide(session, team, application.id, "accepted", "A clear need.")

    fellow = session.scalar(sa.select(Fellow).filter_by(application_id=application.id))
    assert (fellow.cohort_id, fellow.user_id, fellow.year_of_fellowship) == (
        cohort.id,
        application.applicant_id,
        1,
    )
    assert application.applicant.has_role(Role.FELLOW)
    with pytest.raises(InvalidTransition, match="outcome already"):
        services.advance_stage(session, team, application.id)


def test_a_declined_applicant_is_not_enrolled(session, selection):
    team, _, application, reviewers = selection
    _score_all(session, application, reviewers)

    services.decide(session, team, application.id, "declined", "Another service leads on this.")

    assert session.scalar(sa.select(sa.func.count()).select_from(Fellow)) == 0
    assert not application.applicant.has_role(Role.FELLOW)


def test_no_one_is_accepted_beyond_the_cohorts_places(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, {**COHORT, "places": 1})
    reviewers = [factories.create_user(role=Role.PANEL_PATIENT) for _ in range(2)]
    panel = services.form_panel(session, team, cohort.id, "Panel", [r.id for r in reviewers])
    applications = []
    for _ in range(2):
        applicant = factories.create_user(role=Role.SERVICE_LEAD)
        applications.append(services.apply(session, applicant, cohort.id, IDEA))
        services.assign(session, team, applications[-1].id, panel.id)
        _score_all(session, applications[-1], reviewers)
    services.decide(session, team, applications[0].id, "accepted", "Strong.")
    session.commit()

    with pytest.raises(InvalidTransition, match="All 1 places"):
        services.decide(session, team, applications[1].id, "accepted", "Also strong.")
    session.rollback()

    assert applications[1].outcome is None
    assert session.scalar(sa.select(sa.func.count()).select_from(Fellow)) == 1


def test_an_application_links_to_a_visible_challenge_and_the_applicants_own_solution(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    challenge = factories.create_challenge(status="open")
    staff = factories.create_user(role=Role.SERVICE_LEAD)
    accounts.grant_role(session, None, staff, staff.active_memberships[0].organisation, Role.FELLOW)
    own = factories.create_solution(innovator=staff, status="draft")
    theirs = factories.create_solution(status="draft")
    draft = factories.create_challenge()

    with pytest.raises(Invalid) as error:
        services.apply(
            session,
            staff,
            cohort.id,
            {**IDEA, "challenge_id": draft.id, "solution_id": theirs.id},
        )
    assert set(error.value.fields) == {"challenge_id", "solution_id"}
    assert session.scalar(sa.select(sa.func.count()).select_from(FellowshipApplication)) == 0

    application = services.apply(
        session, staff, cohort.id, {**IDEA, "challenge_id": challenge.id, "solution_id": own.id}
    )
    assert (application.challenge_id, application.solution_id) == (challenge.id, own.id)


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([{"name": "Need", "weight": 150}, {"name": "Reach", "weight": -50}], "from 1 to 100"),
        ([{"name": "Need", "weight": 50}, {"name": "need", "weight": 50}], "different name"),
        ([{"name": " ", "weight": 100}], "name of each criterion"),
        ([{"name": "N" * 101, "weight": 100}], "name of each criterion"),
        ([{"name": "<b>Need</b>", "weight": 100}], "must not contain <"),
        ([{"name": f"C{n}", "weight": 10} for n in range(11)], "at most 10"),
        ([{"name": "Need", "weight": 60}], "add up to 100: they add up to 60"),
        ([{"name": "Need", "weight": True}], "whole-number weight"),
    ],
)
def test_criteria_are_named_once_plainly_and_weighted_to_100(session, criteria, message):
    team = factories.create_user(role=Role.INNOVATION_TEAM)

    with pytest.raises(Invalid) as error:
        services.open_cohort(session, team, {**COHORT, "criteria": criteria})

    assert any(message in m for m in error.value.fields["criteria"])
    assert session.scalar(sa.select(sa.func.count()).select_from(Cohort)) == 0


def test_only_holders_of_a_panel_role_sit_on_a_panel(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    patient = factories.create_user(role=Role.PANEL_PATIENT)
    supplier = factories.create_user(role=Role.INNOVATOR)

    with pytest.raises(Invalid) as error:
        services.form_panel(session, team, cohort.id, "Panel", [patient.id, supplier.id])

    assert error.value.fields["member_ids"] == ["Choose panel members from the list"]
    services.form_panel(session, team, cohort.id, "Panel", [patient.id, team.id])
    assert session.scalar(sa.select(sa.func.count()).select_from(Panel)) == 1


def test_assigning_again_adds_only_new_reviewers_and_never_after_the_outcome(session, selection):
    team, cohort, application, reviewers = selection
    newcomer = factories.create_user(role=Role.PANEL_PROFESSIONAL)
    second = services.form_panel(
        session, team, cohort.id, "Interview panel", [reviewers[2].id, newcomer.id]
    )

    with pytest.raises(Conflict, match="already reviewing"):
        services.assign(session, team, application.id, application_panel_id(session, application))
    added = services.assign(session, team, application.id, second.id)
    assert [r.reviewer_id for r in added] == [newcomer.id]

    _score_all(session, application, [*reviewers, newcomer])
    services.decide(session, team, application.id, "declined", "Not this year.")
    third = services.form_panel(session, team, cohort.id, "Late panel", [reviewers[2].id, team.id])
    with pytest.raises(InvalidTransition, match="outcome already"):
        services.assign(session, team, application.id, third.id)


def application_panel_id(session, application) -> int:
    return session.scalar(
        sa.select(Review.panel_id).filter_by(application_id=application.id).limit(1)
    )


@pytest.mark.parametrize("application_id", [10**30, -1, True, "1"])
def test_ids_that_cannot_exist_are_not_found_for_reviewers(session, selection, application_id):
    _, _, _, (first, *_) = selection

    with pytest.raises(NotFound):
        services.submit_review(session, first, application_id, {"Need": 1, "Feasibility": 1})
    with pytest.raises(NotFound):
        services.declare_conflict(session, first, application_id, "A reason")


def test_the_outcome_notification_links_to_the_applicants_own_list(session, selection):
    team, _, application, reviewers = selection
    _score_all(session, application, reviewers)

    services.decide(session, team, application.id, "declined", "Another service leads on this.")

    link = session.scalar(
        sa.select(Notification.link).where(Notification.user_id == application.applicant_id)
    )
    assert link == "/fellowship/mine"


def test_a_conflict_is_declared_once(session, selection):
    _, _, application, (first, *_) = selection
    services.declare_conflict(session, first, application.id, "I manage the applicant")

    with pytest.raises(InvalidTransition, match="already declared"):
        services.declare_conflict(session, first, application.id, "Another reason")


def test_a_team_member_on_the_panel_scores_blind_like_everyone_else(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    applicant = factories.create_user(role=Role.SERVICE_LEAD)
    application = services.apply(session, applicant, cohort.id, IDEA)
    patient = factories.create_user(role=Role.PANEL_PATIENT)
    colleague = factories.create_user(role=Role.INNOVATION_TEAM)
    panel = services.form_panel(session, team, cohort.id, "Panel", [patient.id, colleague.id])
    services.assign(session, team, application.id, panel.id)
    services.submit_review(session, patient, application.id, {"Need": 5, "Feasibility": 5})

    seen = services.visible_reviews(session, colleague, application.id)

    assert [r.reviewer_id for r in seen] == [colleague.id]
    assert queries.of_cohort(session, colleague, cohort.id)[0].score is None
    assert queries.of_cohort(session, team, cohort.id)[0].score == 100


def test_nobody_runs_the_selection_of_their_own_application(session, selection):
    team, cohort, *_ = selection
    own = services.apply(session, team, cohort.id, IDEA)
    panel_id = session.scalar(sa.select(Panel.id))

    for attempt in (
        lambda: services.assign(session, team, own.id, panel_id),
        lambda: services.advance_stage(session, team, own.id),
        lambda: services.decide(session, team, own.id, "accepted", "Mine"),
    ):
        with pytest.raises(Forbidden, match="your own application"):
            attempt()
    assert services.application_as_seen_by(session, team, own.id) == (own, [])
    assert (own.stage_index, own.outcome) == (0, None)


def test_a_conflict_reason_stays_with_the_reviewer_and_the_team(app, session, selection):

    team, _, application, (first, second, _) = selection
    services.declare_conflict(session, first, application.id, "She is my sister")
    services.submit_review(session, second, application.id, {"Need": 3, "Feasibility": 3})

    def reasons_seen_by(user):
        with app.test_request_context():
            login_user(user)
            reviews = services.visible_reviews(session, user, application.id)
            return {r["conflict"] for r in FellowshipReviewSchema(many=True).dump(reviews)}

    assert reasons_seen_by(second) == {None}
    assert "She is my sister" in reasons_seen_by(team)
    assert reasons_seen_by(first) == {"She is my sister"}


def test_no_decision_without_a_patient_or_public_members_scores(session, selection):
    team, _, application, (first, second, patient) = selection
    services.declare_conflict(session, patient, application.id, "I know the applicant")
    _score_all(session, application, [first, second])

    with pytest.raises(InvalidTransition, match="patient or public member must score"):
        services.decide(session, team, application.id, "accepted", "Strong")
    assert application.outcome is None


def test_reviewers_who_applied_to_the_cohort_do_not_judge_rivals(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    rival = factories.create_user(role=Role.SERVICE_LEAD)
    accounts.grant_role(
        session, None, rival, rival.active_memberships[0].organisation, Role.PANEL_PROFESSIONAL
    )
    services.apply(session, rival, cohort.id, IDEA)
    application = services.apply(
        session, factories.create_user(role=Role.SERVICE_LEAD), cohort.id, IDEA
    )
    others = [factories.create_user(role=Role.PANEL_PATIENT) for _ in range(2)]
    panel = services.form_panel(session, team, cohort.id, "P", [rival.id, *(o.id for o in others)])

    reviews = services.assign(session, team, application.id, panel.id)

    assert {r.reviewer_id for r in reviews} == {o.id for o in others}


def test_a_fellow_carrying_on_into_the_cohort_cannot_take_a_second_place(session, selection):
    team, cohort, application, reviewers = selection
    session.add(Fellow(cohort_id=cohort.id, user_id=application.applicant_id))
    session.flush()
    _score_all(session, application, reviewers)

    with pytest.raises(InvalidTransition, match="already has a place"):
        services.decide(session, team, application.id, "accepted", "Strong")
    assert application.outcome is None
    newcomer = factories.create_user(role=Role.SERVICE_LEAD)
    session.add(Fellow(cohort_id=cohort.id, user_id=newcomer.id))
    session.flush()
    with pytest.raises(Conflict, match="already have a place"):
        services.apply(session, newcomer, cohort.id, IDEA)


def test_a_withdrawn_fellows_place_can_be_offered_again(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, {**COHORT, "places": 1})
    session.add(
        Fellow(
            cohort_id=cohort.id,
            user_id=factories.create_user().id,
            status=FellowStatus.WITHDRAWN,
        )
    )
    session.flush()

    services.check_a_place_is_free(session, cohort)
    session.add(Fellow(cohort_id=cohort.id, user_id=factories.create_user().id))
    session.flush()
    with pytest.raises(InvalidTransition, match="All 1 places"):
        services.check_a_place_is_free(session, cohort)


def test_scores_submitted_twice_at_once_keep_the_first(session, selection):
    """Two tabs, one reviewer: the second submission meets a review already scored elsewhere
    and is a conflict, so final scores are never overwritten."""
    _, _, application, (first, *_) = selection
    mine = services.own_review(session, first, application.id)
    with Session(session.get_bind()) as other_tab:
        services.submit_review(
            other_tab, other_tab.get(User, first.id), application.id, {"Need": 1, "Feasibility": 1}
        )
        other_tab.commit()

    with pytest.raises(Conflict):
        services.submit_review(session, first, application.id, {"Need": 5, "Feasibility": 5})
    session.rollback()

    assert session.get(Review, mine.id).scores == {"Need": 1, "Feasibility": 1}


def test_stages_stored_as_bare_names_by_the_first_cohorts_read_the_same(session):
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    cohort.stages = ["Screening", "Decision"]  # as cohorts opened before stage dates stored it

    assert cohort.stage_list() == [
        {"name": "Screening", "ends_on": None},
        {"name": "Decision", "ends_on": None},
    ]
    assert services.stage_name(cohort, 1) == "Decision"
