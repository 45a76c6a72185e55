"""Panels scoring the responses to a challenge, through the services: the service asks, the team
forms a panel with a patient or public member, reviewers score blind and independently, and the
service sees moderated, ranked results."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from challenges import responses as challenge_responses
from challenges.fellowship import response_panels as panels
from challenges.fellowship.models import Panel, Review
from challenges.models import Challenge
from marketplace.accounts.models import OrganisationKind, Role
from marketplace.accounts.services import grant_role
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.notifications.models import Notification
from tests import factories

CRITERIA = [{"name": "Fit to the need", "weight": 60}, {"name": "Evidence", "weight": 40}]


@dataclass
class Scene:
    lead: object
    team: object
    challenge: Challenge
    responses: list
    innovators: list
    professionals: list
    patient: object


def _innovator():
    return factories.create_user(
        role=Role.INNOVATOR, organisation=factories.create_organisation(kind=OrganisationKind.SME)
    )


@pytest.fixture
def scene(session):
    lead = factories.create_user(role=Role.SERVICE_LEAD)
    challenge = factories.create_challenge(lead, status="open")
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    innovators = [_innovator(), _innovator()]
    responses = []
    for n, innovator in enumerate(innovators):
        solution = factories.create_solution(innovator, title=f"Solution {n}")
        responses.append(
            challenge_responses.respond(
                session, innovator, challenge.id, solution.id, f"Pitch {n}: it fits."
            )
        )
    session.commit()
    return Scene(
        lead=lead,
        team=team,
        challenge=challenge,
        responses=responses,
        innovators=innovators,
        professionals=[factories.create_user(role=Role.PANEL_PROFESSIONAL) for _ in range(2)],
        patient=factories.create_user(role=Role.PANEL_PATIENT),
    )


def _panel(session, scene, members=None):
    panels.request_panel(session, scene.lead, scene.challenge.id)
    members = members or [*scene.professionals, scene.patient]
    panel = panels.form_challenge_panel(
        session, scene.team, scene.challenge.id, "Response panel", [m.id for m in members], CRITERIA
    )
    session.commit()
    return panel


def _review(session, reviewer, response) -> Review:
    return session.scalar(
        sa.select(Review).filter_by(reviewer_id=reviewer.id, response_id=response.id)
    )


def _count(session, model) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def _messages(session, user) -> list[str]:
    return list(
        session.scalars(sa.select(Notification.message).where(Notification.user_id == user.id))
    )


def test_the_lead_asks_the_team_forms_a_panel_and_reviewers_score_to_moderated_results(
    session, scene
):
    challenge = panels.request_panel(session, scene.lead, scene.challenge.id)
    assert challenge.panel_requested_at is not None
    assert any("asks for a panel" in m for m in _messages(session, scene.team))

    panel = panels.form_challenge_panel(
        session,
        scene.team,
        scene.challenge.id,
        "Response panel",
        [p.id for p in (*scene.professionals, scene.patient)],
        CRITERIA,
    )
    assert [m.patient_or_public for m in panel.members] == [False, False, True]
    reviews = panels.assign_responses(session, scene.team, panel.id)
    session.commit()
    assert len(reviews) == 6  # three members, two responses
    assert any("2 responses" in m for m in _messages(session, scene.patient))

    first, second = scene.responses
    scores = {
        scene.professionals[0]: (
            {"Fit to the need": 4, "Evidence": 3},
            {"Fit to the need": 2, "Evidence": 2},
        ),
        scene.professionals[1]: (
            {"Fit to the need": 5, "Evidence": 4},
            {"Fit to the need": 3, "Evidence": 1},
        ),
        scene.patient: (
            {"Fit to the need": 5, "Evidence": 2},
            {"Fit to the need": 1, "Evidence": 0},
        ),
    }
    for reviewer, (on_first, on_second) in scores.items():
        panels.score_response(session, reviewer, _review(session, reviewer, first).id, on_first)
        assert not any("results are ready" in m for m in _messages(session, scene.lead))
        panels.score_response(
            session, reviewer, _review(session, reviewer, second).id, on_second, "Thin evidence."
        )
    session.commit()

    results = panels.panel_results(session, scene.lead, scene.challenge.id)
    assert results.complete
    top, bottom = results.rows
    assert top.response.id == first.id and top.rank == 1 and top.moderated
    # Each reviewer's total: 60 * score / 5 + 40 * score / 5, then the mean of the three.
    assert top.score == round((48 + 24 + 60 + 32 + 60 + 16) / 3, 1)
    assert top.means == {"Fit to the need": 4.7, "Evidence": 3.0}
    assert (top.scored, top.waiting, top.recused) == (3, 0, 0)
    assert bottom.rank == 2 and bottom.score == round((24 + 16 + 36 + 8 + 12 + 0) / 3, 1)
    ready = [m for m in _messages(session, scene.lead) if "results are ready" in m]
    assert len(ready) == 1
    assert len(panels.visible_response_reviews(session, scene.lead, first.id)) == 3


def test_reviewers_score_blind_and_the_service_sees_reviews_only_once_complete(session, scene):
    panel = _panel(session, scene)
    panels.assign_responses(session, scene.team, panel.id)
    first = scene.responses[0]
    one, two = scene.professionals
    panels.score_response(
        session, one, _review(session, one, first).id, {"Fit to the need": 3, "Evidence": 3}
    )

    assert [r.reviewer_id for r in panels.visible_response_reviews(session, two, first.id)] == [
        two.id
    ]
    assert len(panels.visible_response_reviews(session, one, first.id)) == 3
    assert panels.visible_response_reviews(session, scene.lead, first.id) == []
    assert panels.visible_response_reviews(session, scene.team, first.id) == []
    with pytest.raises(Forbidden):
        panels.visible_response_reviews(session, scene.innovators[0], first.id)
    with pytest.raises(NotFound):
        panels.visible_response_reviews(session, two, 10**12)
    row = next(
        r
        for r in panels.panel_results(session, scene.team, scene.challenge.id).rows
        if r.response.id == first.id
    )
    assert (row.scored, row.waiting, row.moderated, row.rank) == (1, 2, False, None)


def test_only_the_challenges_lead_asks_once_and_only_for_a_published_challenge(session, scene):
    other_lead = factories.create_user(role=Role.SERVICE_LEAD)

    for outsider in (other_lead, scene.innovators[0], scene.team, scene.patient):
        with pytest.raises(Forbidden, match="Only the challenge's service lead"):
            panels.request_panel(session, outsider, scene.challenge.id)
    session.rollback()
    assert session.get(Challenge, scene.challenge.id).panel_requested_at is None
    with pytest.raises(NotFound):
        panels.request_panel(session, scene.lead, 10**12)

    panels.request_panel(session, scene.lead, scene.challenge.id)
    with pytest.raises(InvalidTransition, match="already"):
        panels.request_panel(session, scene.lead, scene.challenge.id)
    draft = factories.create_challenge(scene.lead)
    with pytest.raises(InvalidTransition, match="draft"):
        panels.request_panel(session, scene.lead, draft.id)
    session.rollback()
    assert session.get(Challenge, draft.id).panel_requested_at is None


def test_no_panel_before_it_is_asked_for_nor_by_anyone_but_the_team(session, scene):
    ids = [p.id for p in (*scene.professionals, scene.patient)]

    with pytest.raises(InvalidTransition, match="not asked"):
        panels.form_challenge_panel(session, scene.team, scene.challenge.id, "P", ids, CRITERIA)
    panels.request_panel(session, scene.lead, scene.challenge.id)
    with pytest.raises(Forbidden, match="innovation team"):
        panels.form_challenge_panel(session, scene.lead, scene.challenge.id, "P", ids, CRITERIA)

    assert _count(session, Panel) == 0


def test_a_panel_without_a_patient_or_public_member_is_refused(session, scene):
    panels.request_panel(session, scene.lead, scene.challenge.id)

    with pytest.raises(Invalid) as error:
        panels.form_challenge_panel(
            session,
            scene.team,
            scene.challenge.id,
            "P",
            [p.id for p in scene.professionals],
            CRITERIA,
        )

    assert error.value.fields["member_ids"] == [
        "Every panel includes at least one patient or public member"
    ]
    assert _count(session, Panel) == 0


@pytest.mark.parametrize(
    ("member_ids", "message"),
    [
        ([], "at least two members"),
        (None, "at least two members"),
        ([10**12, 1], "from the list"),
        (["1", "2"], "from the list"),
        ("1,2", "from the list"),
    ],
)
def test_panel_members_must_be_real_people_and_enough(session, scene, member_ids, message):
    panels.request_panel(session, scene.lead, scene.challenge.id)

    with pytest.raises(Invalid) as error:
        panels.form_challenge_panel(
            session, scene.team, scene.challenge.id, "P", member_ids, CRITERIA
        )

    assert message in error.value.fields["member_ids"][0]
    assert _count(session, Panel) == 0


@pytest.mark.parametrize(
    ("criteria", "message"),
    [
        ([{"name": "Fit", "weight": 60}, {"name": "Evidence", "weight": 30}], "add up to 100"),
        ([{"name": "Fit", "weight": 60}, {"name": "Evidence", "weight": 50}], "add up to 110"),
        ([{"name": "Fit", "weight": 50.5}, {"name": "Evidence", "weight": 49.5}], "whole-number"),
        ([{"name": "Fit", "weight": "60"}, {"name": "Evidence", "weight": 40}], "whole-number"),
        ([{"name": "Fit", "weight": True}, {"name": "Evidence", "weight": 99}], "whole-number"),
        ([{"name": "Fit", "weight": 110}, {"name": "Evidence", "weight": -10}], "from 1 to 100"),
        ([{"name": "Fit", "weight": 50}, {"name": "fit", "weight": 50}], "different name"),
        ([{"name": "", "weight": 100}], "Enter the name of each criterion"),
        ([{"name": "<script>alert(1)</script>", "weight": 100}], "must not contain <"),
        ([{"name": "x" * 101, "weight": 100}], "100 characters or fewer"),
        ([{"name": f"C{n}", "weight": 9} for n in range(11)], "at most 10"),
        ([], "at least one criterion"),
        ("Fit 100", "at least one criterion"),
        (["Fit"], "Enter the name"),
    ],
)
def test_criteria_need_whole_number_weights_adding_to_100(session, scene, criteria, message):
    panels.request_panel(session, scene.lead, scene.challenge.id)
    ids = [p.id for p in (*scene.professionals, scene.patient)]

    with pytest.raises(Invalid) as error:
        panels.form_challenge_panel(session, scene.team, scene.challenge.id, "P", ids, criteria)

    assert any(message in m for m in error.value.fields["criteria"]), error.value.fields
    assert _count(session, Panel) == 0


def test_a_challenge_has_one_panel(session, scene):
    _panel(session, scene)

    with pytest.raises(Conflict):
        panels.form_challenge_panel(
            session,
            scene.team,
            scene.challenge.id,
            "Again",
            [p.id for p in (*scene.professionals, scene.patient)],
            CRITERIA,
        )


def test_assignment_skips_people_acting_for_the_responder_and_responses_already_decided(
    session, scene
):
    first, second = scene.responses
    insider = factories.create_user(
        role=Role.PANEL_PROFESSIONAL, organisation=first.solution.organisation
    )
    panel = _panel(session, scene, [*scene.professionals, scene.patient, insider])
    challenge_responses.not_taken_forward(session, scene.lead, second.id, "Out of scope")

    reviews = panels.assign_responses(session, scene.team, panel.id)

    assert {(r.response_id, r.reviewer_id) for r in reviews} == {
        (first.id, p.id) for p in (*scene.professionals, scene.patient)
    }
    assert panels.assign_responses(session, scene.team, panel.id) == []
    assert _count(session, Review) == 3


def test_only_the_team_assigns_and_only_to_a_challenge_panel(session, scene):
    panel = _panel(session, scene)

    with pytest.raises(Forbidden):
        panels.assign_responses(session, scene.lead, panel.id)
    for wrong in (10**12, "1", None, panel.id + 1):
        with pytest.raises(NotFound):
            panels.assign_responses(session, scene.team, wrong)
    assert _count(session, Review) == 0


@pytest.fixture
def assigned(session, scene):
    panel = _panel(session, scene)
    panels.assign_responses(session, scene.team, panel.id)
    session.commit()
    return scene


def test_a_conflict_recuses_and_an_unassigned_person_cannot_score(session, assigned):
    first = assigned.responses[0]
    one, two = assigned.professionals
    own = _review(session, one, first)
    outsider = factories.create_user(role=Role.PANEL_PROFESSIONAL)

    panels.declare_response_conflict(session, one, own.id, "I advised this company last year")
    session.commit()
    with pytest.raises(Forbidden, match="recused"):
        panels.score_response(session, one, own.id, {"Fit to the need": 4, "Evidence": 3})
    with pytest.raises(InvalidTransition):
        panels.declare_response_conflict(session, one, own.id, "Again")
    for person in (outsider, two, assigned.lead, assigned.team):
        with pytest.raises(NotFound, match="not reviewing"):
            panels.score_response(session, person, own.id, {"Fit to the need": 4, "Evidence": 3})
        with pytest.raises(NotFound):
            panels.declare_response_conflict(session, person, own.id, "Let me off")
    session.rollback()
    assert session.get(Review, own.id).submitted_at is None
    assert session.get(Review, own.id).conflict == "I advised this company last year"


@pytest.mark.parametrize(
    "scores",
    [
        {"Fit to the need": 6, "Evidence": 3},
        {"Fit to the need": -1, "Evidence": 3},
        {"Fit to the need": 4.5, "Evidence": 3},
        {"Fit to the need": "4", "Evidence": 3},
        {"Fit to the need": True, "Evidence": 3},
        {"Fit to the need": None, "Evidence": 3},
        {"Fit to the need": 4},
        {"Fit to the need": 4, "Evidence": 3, "Charm": 5},
        "high",
        [4, 3],
        None,
    ],
)
def test_scores_outside_0_to_5_or_of_the_wrong_type_are_refused(session, assigned, scores):
    one = assigned.professionals[0]
    own = _review(session, one, assigned.responses[0])

    with pytest.raises(Invalid) as error:
        panels.score_response(session, one, own.id, scores)

    assert "scores" in error.value.fields
    session.rollback()
    stored = session.get(Review, own.id)
    assert stored.submitted_at is None and stored.scores is None


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("x" * 5001, "5,000 characters or fewer"),
        ("<script>alert('x')</script>", "plain text"),
        ("Fine\x00", "control characters"),
    ],
)
def test_oversized_or_html_comments_are_refused(session, assigned, comment, message):
    one = assigned.professionals[0]
    own = _review(session, one, assigned.responses[0])

    with pytest.raises(Invalid) as error:
        panels.score_response(session, one, own.id, {"Fit to the need": 4, "Evidence": 3}, comment)

    assert message in error.value.fields["comment"][0]
    session.rollback()
    assert session.get(Review, own.id).submitted_at is None


def test_scores_are_final_once_given_and_stored_as_typed(session, assigned):
    one = assigned.professionals[0]
    own = _review(session, one, assigned.responses[0])
    comment = "Costs < £5 a month & strong evidence > most"

    panels.score_response(session, one, own.id, {"Fit to the need": 0, "Evidence": 5}, comment)
    with pytest.raises(InvalidTransition, match="final"):
        panels.score_response(session, one, own.id, {"Fit to the need": 5, "Evidence": 5})
    with pytest.raises(InvalidTransition):
        panels.declare_response_conflict(session, one, own.id, "Too late")

    assert own.scores == {"Fit to the need": 0, "Evidence": 5} and own.comment == comment


def test_a_result_is_moderated_only_when_every_unrecused_reviewer_has_scored_and_two_have(
    session, assigned
):
    first = assigned.responses[0]
    one, two = assigned.professionals
    patient = assigned.patient
    good = {"Fit to the need": 4, "Evidence": 4}

    panels.declare_response_conflict(session, one, _review(session, one, first).id, "Adviser")
    panels.score_response(session, two, _review(session, two, first).id, good)
    row = panels.panel_results(session, assigned.lead, assigned.challenge.id).rows[0]
    assert (row.scored, row.waiting, row.recused, row.moderated) == (1, 1, 1, False)

    panels.declare_response_conflict(session, patient, _review(session, patient, first).id, "Kin")
    row = next(
        r
        for r in panels.panel_results(session, assigned.lead, assigned.challenge.id).rows
        if r.response.id == first.id
    )
    assert (row.scored, row.waiting, row.recused, row.moderated) == (1, 0, 2, False)
    assert row.score == 80.0 and row.rank is None


def test_the_last_conflict_can_complete_the_set_and_tells_the_lead(session, assigned):
    one, two = assigned.professionals
    patient = assigned.patient
    good = {"Fit to the need": 4, "Evidence": 4}
    for response in assigned.responses:
        panels.score_response(session, two, _review(session, two, response).id, good)
        panels.score_response(session, patient, _review(session, patient, response).id, good)
    panels.score_response(session, one, _review(session, one, assigned.responses[0]).id, good)
    assert not any("results are ready" in m for m in _messages(session, assigned.lead))

    panels.declare_response_conflict(
        session, one, _review(session, one, assigned.responses[1]).id, "Former employer"
    )

    assert sum("results are ready" in m for m in _messages(session, assigned.lead)) == 1
    results = panels.panel_results(session, assigned.lead, assigned.challenge.id)
    assert results.complete and [r.rank for r in results.rows] == [1, 1]


def test_results_are_for_the_service_and_the_team_only(session, assigned):
    other_lead = factories.create_user(role=Role.SERVICE_LEAD)

    for person in (other_lead, assigned.innovators[0], assigned.patient):
        with pytest.raises(Forbidden):
            panels.panel_results(session, person, assigned.challenge.id)
    with pytest.raises(NotFound):
        panels.panel_results(session, assigned.team, 10**12)
    results = panels.panel_results(session, assigned.team, assigned.challenge.id)
    assert len(results.rows) == 2 and not results.complete


GOOD = {"Fit to the need": 4, "Evidence": 4}


def test_a_viewer_still_to_score_sees_nobody_elses_scores_until_they_have(session, scene):
    """The lead and the team, both also reviewers here, see no results, means or reviews while
    they have a response of their own to score (with one scorer, means would be that
    reviewer's exact scores)."""
    grant_role(session, None, scene.lead, scene.challenge.organisation, Role.PANEL_PROFESSIONAL)
    session.commit()
    one = scene.professionals[0]
    panel = _panel(session, scene, [one, scene.patient, scene.lead, scene.team])
    panels.assign_responses(session, scene.team, panel.id)
    first, second = scene.responses
    panels.score_response(session, one, _review(session, one, first).id, GOOD)

    for viewer in (scene.lead, scene.team):
        results = panels.panel_results(session, viewer, scene.challenge.id)
        assert results.withheld and results.rows == [] and not results.complete
        overview = panels.panel_overview(session, viewer, scene.challenge.id)
        assert overview.results.withheld and overview.results.rows == []
        assert {r.reviewer_id for r in overview.my_reviews} == {viewer.id}
        assert [
            r.reviewer_id for r in panels.visible_response_reviews(session, viewer, first.id)
        ] == [viewer.id]

    panels.score_response(session, scene.lead, _review(session, scene.lead, first).id, GOOD)
    assert panels.panel_results(session, scene.lead, scene.challenge.id).withheld
    panels.declare_response_conflict(
        session, scene.lead, _review(session, scene.lead, second).id, "My brother works there"
    )
    results = panels.panel_results(session, scene.lead, scene.challenge.id)
    assert not results.withheld
    row = next(r for r in results.rows if r.response.id == first.id)
    assert (row.scored, row.waiting, row.score, row.moderated) == (2, 2, 80.0, False)
    assert panels.panel_results(session, scene.team, scene.challenge.id).withheld


def test_results_need_a_patient_or_public_members_scores_to_be_moderated(session, assigned):
    """Two professionals' scores, with the patient member recused, stay provisional; so does a
    response only one reviewer scored. The service sees no individual reviews of either."""
    first, second = assigned.responses
    one, two = assigned.professionals
    patient = assigned.patient
    for response in (first, second):
        panels.declare_response_conflict(
            session, patient, _review(session, patient, response).id, "Treated there"
        )
        panels.score_response(session, one, _review(session, one, response).id, GOOD)
    panels.score_response(session, two, _review(session, two, first).id, GOOD)
    panels.declare_response_conflict(session, two, _review(session, two, second).id, "Adviser")

    results = panels.panel_results(session, assigned.lead, assigned.challenge.id)
    rows = {r.response.id: r for r in results.rows}
    assert (rows[first.id].scored, rows[first.id].waiting, rows[first.id].recused) == (2, 0, 1)
    assert not rows[first.id].moderated and not rows[first.id].patient_scored
    assert rows[second.id].scored == 1 and not rows[second.id].moderated
    assert not results.complete and [r.rank for r in results.rows] == [None, None]
    for response in (first, second):
        assert panels.visible_response_reviews(session, assigned.lead, response.id) == []
        assert panels.visible_response_reviews(session, assigned.team, response.id) == []
    told = _messages(session, assigned.lead)
    assert not any("results are ready" in m for m in told)
    assert sum("2 results stay provisional" in m for m in told) == 1


def test_someone_acting_for_any_responder_is_given_none_of_the_challenges_responses(session, scene):
    """A member acting for one responding organisation would otherwise judge its competitors;
    one acting for a responder that was not taken forward still has a stake."""
    first, second = scene.responses
    for_first = factories.create_user(
        role=Role.PANEL_PROFESSIONAL, organisation=first.solution.organisation
    )
    for_second = factories.create_user(
        role=Role.PANEL_PROFESSIONAL, organisation=second.solution.organisation
    )
    panel = _panel(session, scene, [*scene.professionals, scene.patient, for_first, for_second])
    challenge_responses.not_taken_forward(session, scene.lead, second.id, "Out of scope")
    third = challenge_responses.respond(
        session,
        scene.innovators[1],
        scene.challenge.id,
        factories.create_solution(scene.innovators[1], title="Another").id,
        "Pitch 3",
    )

    reviews = panels.assign_responses(session, scene.team, panel.id)

    reviewers = {p.id for p in (*scene.professionals, scene.patient)}
    assert {(r.response_id, r.reviewer_id) for r in reviews} == {
        (response.id, reviewer) for response in (first, third) for reviewer in reviewers
    }
    overview = panels.panel_overview(session, scene.team, scene.challenge.id)
    assert {m.user_id for m in overview.conflicted} == {for_first.id, for_second.id}
    assert not any("to score on the panel" in m for m in _messages(session, for_first))


def test_a_response_no_longer_under_consideration_is_not_scored(session, assigned):
    second = assigned.responses[1]
    one = assigned.professionals[0]
    own = _review(session, one, second)
    challenge_responses.not_taken_forward(session, assigned.lead, second.id, "Out of scope")
    session.commit()

    with pytest.raises(InvalidTransition, match="no longer under consideration"):
        panels.score_response(session, one, own.id, GOOD)

    session.rollback()
    stored = session.get(Review, own.id)
    assert stored.submitted_at is None and stored.scores is None


@contextmanager
def _statements(session):
    """The SQL queries (SELECTs: inserts go one row at a time) run inside the block."""
    run = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            run.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield run
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def _challenge_with_responses(session, scene, n: int):
    """Another open challenge of the same lead with ``n`` responses from ``n`` organisations,
    its panel formed from the scene's people (one of them acting for the first responder)."""
    challenge = factories.create_challenge(scene.lead, status="open")
    innovators = [_innovator() for _ in range(n)]
    for k, innovator in enumerate(innovators):
        solution = factories.create_solution(innovator, title=f"Solution {k}")
        challenge_responses.respond(session, innovator, challenge.id, solution.id, "Pitch")
    insider = factories.create_user(
        role=Role.PANEL_PROFESSIONAL, organisation=innovators[0].active_memberships[0].organisation
    )
    panels.request_panel(session, scene.lead, challenge.id)
    panel = panels.form_challenge_panel(
        session,
        scene.team,
        challenge.id,
        "Panel",
        [p.id for p in (*scene.professionals, scene.patient, insider)],
        CRITERIA,
    )
    session.commit()
    return panel


def test_assigning_reads_as_many_times_for_many_responses_as_for_few(session, scene):
    few, many = (_challenge_with_responses(session, scene, n) for n in (2, 6))
    counts = []
    for panel in (few, many):
        session.commit()  # nothing left loaded
        with _statements(session) as run:
            panels.assign_responses(session, scene.team, panel.id)
        counts.append(len(run))

    assert counts[0] == counts[1], counts
    assert _count(session, Review) == 3 * 2 + 3 * 6  # the insider scores none


def response_panel_objects(challenge, response) -> dict:
    """For the authorisation matrix: the challenge's panel, asked for and formed, with the
    response assigned; ids under names of their own."""
    from marketplace.extensions import db

    team = factories.create_user(role=Role.INNOVATION_TEAM)
    panels.request_panel(db.session, challenge.created_by, challenge.id)
    members = [
        factories.create_user(role=Role.PANEL_PROFESSIONAL),
        factories.create_user(role=Role.PANEL_PATIENT),
    ]
    panel = panels.form_challenge_panel(
        db.session, team, challenge.id, "Matrix panel", [m.id for m in members], CRITERIA
    )
    reviews = panels.assign_responses(db.session, team, panel.id)
    assert any(r.response_id == response.id for r in reviews)
    return {"challenge_panel_id": panel.id, "response_review_id": reviews[0].id}
