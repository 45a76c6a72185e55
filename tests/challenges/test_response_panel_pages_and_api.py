"""Response panels through HTTP: the pages and the API share the services; bad input is
explained and changes nothing; what reviewers write is shown as text."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from challenges import responses as challenge_responses
from challenges.fellowship import response_panels as panels
from challenges.fellowship.models import Panel, Review
from challenges.models import Challenge, Response
from marketplace.accounts.models import Organisation, OrganisationKind, Role, User
from marketplace.accounts.services import grant_role
from marketplace.extensions import db
from tests import factories
from tests.conftest import csrf_from, post_form, sign_in

CRITERIA = [{"name": "Fit to the need", "weight": 70}, {"name": "Evidence", "weight": 30}]


@pytest.fixture
def scene(app):
    """A published challenge with two responses, its lead, the team and three panel people."""
    with app.app_context():
        lead = factories.create_user(role=Role.SERVICE_LEAD)
        challenge = factories.create_challenge(lead, status="open")
        response_ids = []
        for n in range(2):
            innovator = factories.create_user(
                role=Role.INNOVATOR,
                organisation=factories.create_organisation(kind=OrganisationKind.SME),
            )
            solution = factories.create_solution(innovator, title=f"Solution {n}")
            response = challenge_responses.respond(
                db.session,
                innovator,
                challenge.id,
                solution.id,
                f"Pitch {n}: fits in < 5 minutes & more.",
            )
            db.session.commit()
            response_ids.append(response.id)
        people = {
            "lead": lead,
            "team": factories.create_user(role=Role.INNOVATION_TEAM),
            "pro1": factories.create_user(role=Role.PANEL_PROFESSIONAL, name="Dr Pro One"),
            "pro2": factories.create_user(role=Role.PANEL_PROFESSIONAL, name="Dr Pro Two"),
            "patient": factories.create_user(role=Role.PANEL_PATIENT, name="Pat Public"),
            "other_lead": factories.create_user(role=Role.SERVICE_LEAD),
            "innovator": innovator,
        }
        ids = {
            "challenge": challenge.id,
            "responses": response_ids,
            **{f"{k}_id": v.id for k, v in people.items()},
            **{f"{k}_email": v.email for k, v in people.items()},
            **{f"{k}_token": factories.create_token(v) for k, v in people.items()},
        }
        db.session.remove()
    return ids


def _client(app, scene, who):
    return sign_in(app.test_client(), scene[f"{who}_email"])


def _api(app, scene, who):
    return app.test_client(), {"Authorization": f"Bearer {scene[f'{who}_token']}"}


def _ready(app, scene, assign=True):
    """Asked for, formed and (optionally) assigned, through the services."""
    with app.app_context():
        lead = db.session.get(User, scene["lead_id"])
        team = db.session.get(User, scene["team_id"])
        panels.request_panel(db.session, lead, scene["challenge"])
        panel = panels.form_challenge_panel(
            db.session,
            team,
            scene["challenge"],
            "Panel",
            [scene["pro1_id"], scene["pro2_id"], scene["patient_id"]],
            CRITERIA,
        )
        if assign:
            panels.assign_responses(db.session, team, panel.id)
        db.session.commit()
        panel_id = panel.id
        db.session.remove()
    return panel_id


def _review_id(app, scene, who, n=0) -> int:
    with app.app_context():
        found = db.session.scalar(
            sa.select(Review.id).filter_by(
                reviewer_id=scene[f"{who}_id"], response_id=scene["responses"][n]
            )
        )
        db.session.remove()
    return found


def _stored(app, statement):
    with app.app_context():
        value = db.session.scalar(statement)
        db.session.remove()
    return value


def _panels(app) -> int:
    return _stored(app, sa.select(sa.func.count()).select_from(Panel))


def _panel_form(scene, **changes) -> dict:
    data = {
        "name": "Falls response panel",
        "criteria-0-name": "Fit to the need",
        "criteria-0-weight": "70",
        "criteria-1-name": "Evidence",
        "criteria-1-weight": "30",
        "member_ids": [scene["pro1_id"], scene["pro2_id"], scene["patient_id"]],
    }
    data.update(changes)
    return data


# --- pages ---------------------------------------------------------------------------------


def test_the_whole_journey_through_the_pages(app, scene):
    challenge_id = scene["challenge"]
    panel_url = f"/challenges/{challenge_id}/panel"
    lead = _client(app, scene, "lead")
    assert panel_url in lead.get(f"/challenges/{challenge_id}").text
    assert "Ask for a panel" in lead.get(panel_url).text

    response = post_form(lead, f"{panel_url}/request", {}, form_page=panel_url)
    assert response.status_code == 302

    team = _client(app, scene, "team")
    page = team.get(panel_url)
    assert "Form the panel" in page.text and "Pat Public (patient or public member" in page.text
    response = post_form(team, panel_url, _panel_form(scene))
    assert response.status_code == 302, response.text
    response = post_form(team, f"{panel_url}/assign", {}, form_page=panel_url)
    assert response.status_code == 302
    assert "Assigned: 6 new reviews" in team.get(panel_url).text

    given = {"pro1": (5, 4), "pro2": (4, 4), "patient": (5, 2)}
    for who, (fit, evidence) in given.items():
        reviewer = _client(app, scene, who)
        for n in (0, 1):
            url = f"/challenges/panel-reviews/{_review_id(app, scene, who, n)}"
            assert url in reviewer.get(panel_url).text
            page = reviewer.get(url)
            assert "Pitch" in page.text and "&lt; 5 minutes &amp; more" in page.text
            assert "The panel’s scores" not in page.text
            response = post_form(
                reviewer,
                url,
                {
                    "score_0": str(fit - n),
                    "score_1": str(evidence - n),
                    "comment": "Costs < £5 & fine",
                },
            )
            assert response.status_code == 302, response.text
            after = reviewer.get(url).text
            assert "Costs &lt; £5 &amp; fine" in after and "The panel’s scores" in after

    results = lead.get(panel_url).text
    assert "Every response is moderated" in results
    assert "(provisional)" not in results
    first = round(((70 * 5 + 30 * 4) + (70 * 4 + 30 * 4) + (70 * 5 + 30 * 2)) / 5 / 3, 1)
    assert f"{first:g}" in results
    assert "Selection panel for the responses" in lead.get(f"/challenges/{challenge_id}").text


def test_only_the_challenges_lead_asks_for_a_panel(app, scene):
    url = f"/challenges/{scene['challenge']}/panel"
    for who in ("other_lead", "innovator", "patient"):
        client = _client(app, scene, who)
        page = client.get("/account")
        response = client.post(f"{url}/request", data={"csrf_token": csrf_from(page.text)})
        assert response.status_code == 403
        assert "Ask for a panel" not in client.get(f"/challenges/{scene['challenge']}").text
    assert _stored(app, sa.select(Challenge.panel_requested_at)) is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"member_ids": []}, "A panel needs at least two members"),
        ("no patient", "at least one patient or public member"),
        ({"member_ids": ["999999", "x"]}, "Choose panel members from the list"),
        ({"criteria-1-weight": "20"}, "The weights must add up to 100: they add up to 90"),
        ({"criteria-1-weight": "thirty"}, "whole-number weight from 1 to 100"),
        ({"criteria-1-weight": "29.5"}, "whole-number weight from 1 to 100"),
        ({"criteria-0-name": "", "criteria-0-weight": ""}, "they add up to 30"),
        ({"criteria-1-name": "<script>alert(1)</script>"}, "must not contain &lt; or &gt;"),
        ({"name": "x" * 151}, "150 characters or fewer"),
        ({"name": ""}, "Enter the panel"),
    ],
)
def test_bad_panels_are_explained_on_the_form_and_not_stored(app, scene, changes, message):
    _ready_request(app, scene)
    team = _client(app, scene, "team")
    data = _panel_form(scene)
    if changes == "no patient":
        data["member_ids"] = [scene["pro1_id"], scene["pro2_id"]]
    else:
        data.update(changes)

    response = post_form(team, f"/challenges/{scene['challenge']}/panel", data)

    assert response.status_code == 422
    assert message in response.text
    assert "There is a problem" in response.text
    assert "<script>alert" not in response.text
    assert _panels(app) == 0


def _ready_request(app, scene):
    with app.app_context():
        panels.request_panel(db.session, db.session.get(User, scene["lead_id"]), scene["challenge"])
        db.session.commit()
        db.session.remove()


def test_only_the_team_forms_and_assigns(app, scene):
    _ready_request(app, scene)
    lead = _client(app, scene, "lead")
    url = f"/challenges/{scene['challenge']}/panel"

    assert post_form(lead, url, _panel_form(scene), form_page="/account").status_code == 403
    assert post_form(lead, f"{url}/assign", {}, form_page="/account").status_code == 403
    assert _panels(app) == 0
    team = _client(app, scene, "team")
    assert post_form(team, f"{url}/assign", {}, form_page=url).status_code == 404


@pytest.mark.parametrize(
    ("data", "message", "field_id"),
    [
        ({"score_0": "7", "score_1": "3"}, "Score “Fit to the need” from 0 to 5", "score_0"),
        ({"score_0": "four", "score_1": "3"}, "Score “Fit to the need” from 0 to 5", "score_0"),
        ({"score_0": "-1", "score_1": "3"}, "Score “Fit to the need” from 0 to 5", "score_0"),
        ({"score_0": "4"}, "Score “Evidence” from 0 to 5", "score_1"),
        (
            {"score_0": "4", "score_1": "3", "comment": "<script>alert('x')</script>"},
            "must be plain text",
            "comment",
        ),
        ({"score_0": "4", "score_1": "3", "comment": "x" * 5001}, "5,000 characters", "comment"),
    ],
)
def test_bad_scores_are_explained_and_nothing_is_stored(app, scene, data, message, field_id):
    _ready(app, scene)
    review_id = _review_id(app, scene, "pro1")
    client = _client(app, scene, "pro1")

    response = post_form(client, f"/challenges/panel-reviews/{review_id}", data)

    assert response.status_code == 422
    assert message in response.text
    assert f'href="#{field_id}"' in response.text
    assert "<script>alert" not in response.text
    assert _stored(app, sa.select(Review.submitted_at).filter_by(id=review_id)) is None


def test_a_recused_or_unassigned_person_cannot_score_through_the_page(app, scene):
    _ready(app, scene)
    review_id = _review_id(app, scene, "pro1")
    url = f"/challenges/panel-reviews/{review_id}"
    reviewer = _client(app, scene, "pro1")

    response = post_form(reviewer, f"{url}/conflict", {"reason": ""}, form_page=url)
    assert response.status_code == 422 and "Enter the conflict" in response.text
    response = post_form(reviewer, f"{url}/conflict", {"reason": "I advise them"}, form_page=url)
    assert response.status_code == 302
    page = reviewer.get(url)
    assert "You declared a conflict of interest" in page.text and "Submit scores" not in page.text
    response = reviewer.post(
        url,
        data={
            "csrf_token": csrf_from(reviewer.get("/account").text),
            "score_0": "4",
            "score_1": "4",
        },
    )
    assert response.status_code == 403

    for who in ("pro2", "lead", "team", "other_lead"):
        other = _client(app, scene, who)
        assert other.get(url).status_code == 404
        token = csrf_from(other.get("/account").text)
        assert (
            other.post(url, data={"csrf_token": token, "score_0": "4", "score_1": "4"}).status_code
            == 404
        )
        assert (
            other.post(f"{url}/conflict", data={"csrf_token": token, "reason": "x"}).status_code
            == 404
        )
    assert _stored(app, sa.select(Review.submitted_at).filter_by(id=review_id)) is None


def test_the_panel_page_is_only_for_the_service_the_team_and_the_panel(app, scene):
    _ready(app, scene)
    url = f"/challenges/{scene['challenge']}/panel"
    for who in ("other_lead", "innovator"):
        assert _client(app, scene, who).get(url).status_code == 403
    patient_page = _client(app, scene, "patient").get(url).text
    assert "Your reviews" in patient_page and "Results" not in patient_page
    assert "(provisional)" not in _client(app, scene, "team").get(url).text
    assert _client(app, scene, "team").get("/challenges/999999/panel").status_code == 404


# --- API -----------------------------------------------------------------------------------


def test_the_whole_journey_through_the_api(app, scene):
    challenge_id = scene["challenge"]
    base = "/api/v1/challenge-panels"
    client, lead = _api(app, scene, "lead")
    response = client.post(f"{base}/challenges/{challenge_id}/request", headers=lead)
    assert response.status_code == 200 and response.json["panel_requested_at"]

    _, team = _api(app, scene, "team")
    body = {
        "name": "API panel",
        "member_ids": [scene["pro1_id"], scene["pro2_id"], scene["patient_id"]],
        "criteria": CRITERIA,
    }
    response = client.post(f"{base}/challenges/{challenge_id}/panel", json=body, headers=team)
    assert response.status_code == 201, response.json
    panel_id = response.json["id"]
    assert [m["patient_or_public"] for m in response.json["members"]] == [False, False, True]
    response = client.post(f"{base}/{panel_id}/assignments", headers=team)
    assert response.status_code == 200 and len(response.json) == 6

    for who in ("pro1", "pro2", "patient"):
        _, headers = _api(app, scene, who)
        mine = client.get(f"{base}/reviews", headers=headers).json
        assert len(mine) == 2
        for review in mine:
            response = client.post(
                f"{base}/reviews/{review['id']}/scores",
                json={"scores": {"Fit to the need": 4, "Evidence": 5}, "comment": "<b>ok</b"},
                headers=headers,
            )
            assert response.status_code == 422 and "comment" in response.json["error"]["fields"]
            response = client.post(
                f"{base}/reviews/{review['id']}/scores",
                json={"scores": {"Fit to the need": 4, "Evidence": 5}},
                headers=headers,
            )
            assert response.status_code == 200, response.json
            assert response.json["submitted_at"]

    response = client.get(f"{base}/challenges/{challenge_id}/results", headers=lead)
    assert response.status_code == 200
    assert response.json["complete"] is True
    assert [(r["rank"], r["score"], r["moderated"]) for r in response.json["rows"]] == [
        (1, 86.0, True),
        (1, 86.0, True),
    ]
    reviews = client.get(f"{base}/responses/{scene['responses'][0]}/reviews", headers=lead)
    assert len(reviews.json) == 3


def test_api_refuses_the_wrong_people_with_the_error_shape(app, scene):
    base = "/api/v1/challenge-panels"
    client, other = _api(app, scene, "other_lead")
    challenge_id = scene["challenge"]

    response = client.post(f"{base}/challenges/{challenge_id}/request", headers=other)
    assert response.status_code == 403
    assert response.json["error"]["message"] == "Only the challenge's service lead asks for a panel"
    assert client.post(f"{base}/challenges/{challenge_id}/request").status_code == 401
    assert client.get(f"{base}/challenges/{challenge_id}/results", headers=other).status_code == 403
    assert _stored(app, sa.select(Challenge.panel_requested_at)) is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"member_ids": "no patient"}, "member_ids", "patient or public member"),
        ({"member_ids": [1, "two"]}, "member_ids", ""),
        ({"member_ids": [999_999, 1]}, "member_ids", "from the list"),
        ({"member_ids": [10**12, 1]}, "member_ids", "less than or equal to 2147483647"),
        ({"member_ids": [0, 1]}, "member_ids", "greater than or equal to 1"),
        ({"criteria": [{"name": "Fit", "weight": 60}]}, "criteria", "add up to 60"),
        ({"criteria": [{"name": "Fit", "weight": "100"}]}, "criteria", ""),
        (
            {"criteria": [{"name": "Fit", "weight": 99.5}, {"name": "E", "weight": 0.5}]},
            "criteria",
            "",
        ),
        ({"criteria": [{"name": "<script>x</script>", "weight": 100}]}, "criteria", "< or >"),
        ({"criteria": "Fit=100"}, "criteria", ""),
        ({"name": None}, "name", ""),
    ],
)
def test_api_bad_panels_are_422_and_not_stored(app, scene, changes, field, message):
    _ready_request(app, scene)
    client, team = _api(app, scene, "team")
    body = {
        "name": "API panel",
        "member_ids": [scene["pro1_id"], scene["pro2_id"], scene["patient_id"]],
        "criteria": CRITERIA,
        **changes,
    }
    if changes.get("member_ids") == "no patient":
        body["member_ids"] = [scene["pro1_id"], scene["pro2_id"]]

    response = client.post(
        f"/api/v1/challenge-panels/challenges/{scene['challenge']}/panel", json=body, headers=team
    )

    assert response.status_code == 422, response.json
    assert message in " ".join(response.json["error"]["fields"][field])
    assert _panels(app) == 0


@pytest.mark.parametrize(
    "body",
    [
        {"scores": {"Fit to the need": 6, "Evidence": 3}},
        {"scores": {"Fit to the need": -1, "Evidence": 3}},
        {"scores": {"Fit to the need": 4.5, "Evidence": 3}},
        {"scores": {"Fit to the need": "4", "Evidence": 3}},
        {"scores": {"Fit to the need": True, "Evidence": 3}},
        {"scores": {"Fit to the need": 4}},
        {"scores": {"Fit to the need": 4, "Evidence": 3, "Charm": 5}},
        {"scores": "high"},
        {"scores": [4, 3]},
        {},
        {"scores": {"Fit to the need": 4, "Evidence": 3}, "comment": "x" * 5001},
        {"scores": {"Fit to the need": 4, "Evidence": 3}, "comment": "<script>x</script>"},
        {"scores": {"Fit to the need": 4, "Evidence": 3}, "comment": 42},
    ],
)
def test_api_bad_scores_are_422_and_not_stored(app, scene, body):
    _ready(app, scene)
    review_id = _review_id(app, scene, "pro1")
    client, headers = _api(app, scene, "pro1")

    response = client.post(
        f"/api/v1/challenge-panels/reviews/{review_id}/scores", json=body, headers=headers
    )

    assert response.status_code == 422, response.json
    assert set(response.json["error"]["fields"]) & {"scores", "comment"}
    assert _stored(app, sa.select(Review.submitted_at).filter_by(id=review_id)) is None


def test_api_recused_and_unassigned_reviewers_cannot_score(app, scene):
    panel_id = _ready(app, scene)
    review_id = _review_id(app, scene, "pro1")
    base = "/api/v1/challenge-panels"
    good = {"scores": {"Fit to the need": 4, "Evidence": 3}}
    client, headers = _api(app, scene, "pro1")

    response = client.post(f"{base}/reviews/{review_id}/conflict", json={}, headers=headers)
    assert response.status_code == 422
    response = client.post(
        f"{base}/reviews/{review_id}/conflict", json={"reason": "Former employer"}, headers=headers
    )
    assert response.status_code == 200 and response.json["recused"] is True
    response = client.post(f"{base}/reviews/{review_id}/scores", json=good, headers=headers)
    assert response.status_code == 403 and "recused" in response.json["error"]["message"]

    for who in ("pro2", "lead", "team"):
        _, others = _api(app, scene, who)
        response = client.post(f"{base}/reviews/{review_id}/scores", json=good, headers=others)
        assert response.status_code == 404
    _, lead = _api(app, scene, "lead")
    assert client.post(f"{base}/{panel_id}/assignments", headers=lead).status_code == 403
    _, team = _api(app, scene, "team")
    assert client.post(f"{base}/999999/assignments", headers=team).status_code == 404
    assert _stored(app, sa.select(Review.submitted_at).filter_by(id=review_id)) is None


def test_member_ids_declare_the_id_range_in_the_openapi_document(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    items = spec["components"]["schemas"]["ChallengePanelInput"]["properties"]["member_ids"][
        "items"
    ]
    assert (items["minimum"], items["maximum"]) == (1, 2147483647)


# --- blindness, moderation, conflicts and the rest through HTTP ---------------------------------

GOOD = {"Fit to the need": 4, "Evidence": 4}


def _act(app, scene, call):
    """Run ``call(session, people)`` through the services and commit."""
    with app.app_context():
        people = {
            k[: -len("_id")]: db.session.get(User, v) for k, v in scene.items() if k.endswith("_id")
        }
        result = call(db.session, people)
        db.session.commit()
        db.session.remove()
    return result


def _form_with(app, scene, members, assign=True):
    def form(session, people):
        panels.request_panel(session, people["lead"], scene["challenge"])
        panel = panels.form_challenge_panel(
            session,
            people["team"],
            scene["challenge"],
            "Panel",
            [people[m].id for m in members],
            CRITERIA,
        )
        if assign:
            panels.assign_responses(session, people["team"], panel.id)
        return panel.id

    return _act(app, scene, form)


def _score(app, scene, who, n, scores=GOOD):
    review_id = _review_id(app, scene, who, n)
    _act(
        app,
        scene,
        lambda session, people: panels.score_response(session, people[who], review_id, scores),
    )


def _recuse(app, scene, who, n):
    review_id = _review_id(app, scene, who, n)
    _act(
        app,
        scene,
        lambda session, people: panels.declare_response_conflict(
            session, people[who], review_id, "A conflict"
        ),
    )


def test_a_lead_still_to_score_sees_no_scores_on_the_page_or_through_the_api(app, scene):
    def make_lead_a_reviewer(session, people):
        lead = people["lead"]
        organisation = session.get(Challenge, scene["challenge"]).organisation
        grant_role(session, None, lead, organisation, Role.PANEL_PROFESSIONAL)

    _act(app, scene, make_lead_a_reviewer)
    _form_with(app, scene, ["pro1", "patient", "lead"])
    _score(app, scene, "pro1", 0, {"Fit to the need": 3, "Evidence": 1})
    url = f"/challenges/{scene['challenge']}/panel"
    base = "/api/v1/challenge-panels"
    client, lead = _api(app, scene, "lead")

    page = _client(app, scene, "lead").get(url).text
    results = client.get(f"{base}/challenges/{scene['challenge']}/results", headers=lead).json
    reviews = client.get(f"{base}/responses/{scene['responses'][0]}/reviews", headers=lead).json

    assert "You will see the panel’s scores once you have scored" in page
    assert "Responses ranked by weighted score" not in page and "(provisional)" not in page
    assert "Your reviews" in page
    assert results["withheld"] is True and results["rows"] == [] and not results["complete"]
    assert [r["reviewer_id"] for r in reviews] == [scene["lead_id"]]

    _score(app, scene, "lead", 0)
    _recuse(app, scene, "lead", 1)
    page = _client(app, scene, "lead").get(url).text
    results = client.get(f"{base}/challenges/{scene['challenge']}/results", headers=lead).json
    assert "(provisional)" in page and results["withheld"] is False
    assert [(r["scored"], r["waiting"]) for r in results["rows"]] == [(2, 1), (0, 2)]


def test_without_a_patient_or_public_members_scores_results_stay_provisional(app, scene):
    _form_with(app, scene, ["pro1", "pro2", "patient"])
    for n in (0, 1):
        _recuse(app, scene, "patient", n)
        _score(app, scene, "pro1", n)
        _score(app, scene, "pro2", n)
    url = f"/challenges/{scene['challenge']}/panel"
    client, lead = _api(app, scene, "lead")
    base = "/api/v1/challenge-panels"

    page = _client(app, scene, "lead").get(url).text
    results = client.get(f"{base}/challenges/{scene['challenge']}/results", headers=lead).json
    reviews = client.get(f"{base}/responses/{scene['responses'][0]}/reviews", headers=lead).json

    assert "Every response is moderated" not in page and page.count("(provisional)") == 2
    assert "no patient or public member has" in page
    assert results["complete"] is False
    assert [(r["moderated"], r["patient_scored"], r["rank"]) for r in results["rows"]] == [
        (False, False, None),
        (False, False, None),
    ]
    assert reviews == []


def test_the_page_says_who_is_given_no_responses_for_acting_for_a_responder(app, scene):
    def insider(session, people):
        response = session.get(Response, scene["responses"][0])
        organisation = session.get(Organisation, response.solution.organisation_id)
        user = factories.create_user(
            role=Role.PANEL_PROFESSIONAL, organisation=organisation, name="Ivy Insider"
        )
        return user.id

    scene = {**scene, "insider_id": _act(app, scene, insider)}
    _ready_request(app, scene)
    team = _client(app, scene, "team")
    url = f"/challenges/{scene['challenge']}/panel"
    form_page = team.get(url).text
    assert "neither their own organisation’s nor its competitors’" in form_page
    response = post_form(
        team,
        url,
        {
            **_panel_form(scene),
            "member_ids": [
                scene["pro1_id"],
                scene["pro2_id"],
                scene["patient_id"],
                scene["insider_id"],
            ],
        },
    )
    assert response.status_code == 302, response.text

    post_form(team, f"{url}/assign", {}, form_page=url)
    page = team.get(url).text

    assert "Assigned: 6 new reviews" in page
    assert "Not given any responses, as they act for a responding organisation" in page
    assert "<li>Ivy Insider</li>" in page


def test_a_response_not_taken_forward_cannot_be_scored_through_the_api_or_page(app, scene):
    _ready(app, scene)
    review_id = _review_id(app, scene, "pro1", 1)
    _act(
        app,
        scene,
        lambda session, people: challenge_responses.not_taken_forward(
            session, people["lead"], scene["responses"][1], "Out of scope"
        ),
    )
    client, headers = _api(app, scene, "pro1")

    response = client.post(
        f"/api/v1/challenge-panels/reviews/{review_id}/scores",
        json={"scores": GOOD},
        headers=headers,
    )
    page = post_form(
        _client(app, scene, "pro1"),
        f"/challenges/panel-reviews/{review_id}",
        {"score_0": "4", "score_1": "4"},
    )

    assert response.status_code == 409
    assert "no longer under consideration (not taken forward)" in response.json["error"]["message"]
    assert page.status_code == 409 and "no longer under consideration" in page.text
    assert _stored(app, sa.select(Review.submitted_at).filter_by(id=review_id)) is None


def test_the_results_table_has_a_row_header_for_each_response(app, scene):
    _ready(app, scene)
    _score(app, scene, "pro1", 0)

    page = _client(app, scene, "team").get(f"/challenges/{scene['challenge']}/panel").text

    assert page.count('<th scope="row"') == 2
    heading = '<span class="nhsuk-table-responsive__heading" aria-hidden="true">'
    assert f'<th scope="row" class="nhsuk-table__cell">{heading}Response </span>Solution' in page


def _selects(app):
    """A counter of the SELECTs the app runs, and the function that stops counting."""
    run = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            run.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    return run, lambda: sa.event.remove(engine, "before_cursor_execute", count)


def _more_responses(app, scene, n):
    def respond(session, people):
        for k in range(n):
            innovator = factories.create_user(
                role=Role.INNOVATOR,
                organisation=factories.create_organisation(kind=OrganisationKind.SME),
            )
            solution = factories.create_solution(innovator, title=f"Extra {k}")
            challenge_responses.respond(session, innovator, scene["challenge"], solution.id, "P")

    _act(app, scene, respond)


def _reads(app, client, url):
    run, stop = _selects(app)
    try:
        assert client.get(url).status_code == 200
    finally:
        stop()
    return len(run)


def test_the_panel_page_reads_as_often_for_many_responses_as_for_few(app, scene):
    panel_id = _ready(app, scene)
    url = f"/challenges/{scene['challenge']}/panel"
    team = _client(app, scene, "team")
    few = _reads(app, team, url)

    _more_responses(app, scene, 4)
    _act(
        app,
        scene,
        lambda session, people: panels.assign_responses(session, people["team"], panel_id),
    )
    many = _reads(app, team, url)

    assert few == many
    assert team.get(url).text.count('<th scope="row"') == 6


def test_the_panel_form_reads_as_often_for_many_candidates_as_for_few(app, scene):
    _ready_request(app, scene)
    url = f"/challenges/{scene['challenge']}/panel"
    team = _client(app, scene, "team")
    few = _reads(app, team, url)

    _act(
        app,
        scene,
        lambda session, people: [
            factories.create_user(role=Role.PANEL_PROFESSIONAL) for _ in range(4)
        ],
    )
    many = _reads(app, team, url)

    assert few == many
