"""Fits through HTTP: the pages and the JSON API call the same services."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from marketplace.accounts.models import Role
from marketplace.extensions import db
from marketplace.matches.models import MatchFeedback
from marketplace.notifications.models import Notification
from marketplace.solutions.models import DtacStatus, EsfTier
from tests import factories
from tests.conftest import csrf_from, sign_in
from tests.matches.test_fits import FALLS_NEED, FALLS_SENSOR, ROTA_APP


@pytest.fixture
def pair(app):
    """A service lead's open challenge and two published solutions, one of which fits."""
    with app.app_context():
        lead = factories.create_user(role=Role.SERVICE_LEAD)
        innovator = factories.create_user(role=Role.INNOVATOR)
        sensor = factories.create_solution(innovator, **FALLS_SENSOR)
        rota = factories.create_solution(**ROTA_APP)
        challenge = factories.create_challenge(lead, status="open", **FALLS_NEED)
        ids = {
            "lead": lead.email,
            "innovator": innovator.email,
            "challenge": challenge.id,
            "sensor": sensor.id,
            "rota": rota.id,
            "lead_token": factories.create_token(lead),
            "innovator_token": factories.create_token(innovator),
        }
        db.session.remove()
    return ids


def _feedback(app):
    with app.app_context():
        return [
            (f.solution_id, f.side.value, f.status.value, f.reason)
            for f in db.session.scalars(sa.select(MatchFeedback))
        ]


def test_the_challenge_page_shows_its_best_fits_with_reasons(app, pair):
    client = sign_in(app.test_client(), pair["lead"])

    page = client.get(f"/challenges/{pair['challenge']}")
    fits = client.get(f"/challenges/{pair['challenge']}/fits")

    assert "Solutions that fit" in page.text and "FallAlert home sensor" in page.text
    assert fits.status_code == 200
    assert fits.text.index("FallAlert home sensor") < fits.text.index("Bank shift booking")
    assert "Closest in meaning" in fits.text and "in meaning, and both talk of" in fits.text
    assert "How this was scored" not in fits.text and "BM25" not in fits.text


def test_only_the_innovation_team_sees_the_numbers_behind_a_fit(app, pair):
    with app.app_context():
        team = factories.create_user(role=Role.INNOVATION_TEAM).email
    client = sign_in(app.test_client(), team)

    fits = client.get(f"/challenges/{pair['challenge']}/fits")

    assert fits.status_code == 200
    assert "How this was scored" in fits.text and "a BM25 score" in fits.text


def test_a_service_lead_shortlists_then_dismisses_with_a_reason(app, pair):
    client = sign_in(app.test_client(), pair["lead"])
    url = f"/challenges/{pair['challenge']}/fits"
    token = csrf_from(client.get(url).text)

    shortlisted = client.post(
        f"{url}/{pair['sensor']}", data={"csrf_token": token, "status": "shortlisted", "version": 0}
    )
    dismissed = client.post(
        f"{url}/{pair['rota']}",
        data={
            "csrf_token": token,
            "status": "dismissed",
            "reason": "Not about falls",
            "version": 0,
        },
    )
    page = client.get(url)

    assert shortlisted.status_code == dismissed.status_code == 302
    assert sorted(_feedback(app)) == sorted(
        [
            (pair["sensor"], "service", "shortlisted", None),
            (pair["rota"], "service", "dismissed", "Not about falls"),
        ]
    )
    ranked, dismissed_section = page.text.split("<h2>Dismissed</h2>")
    assert "Bank shift booking" not in ranked and "Not about falls" in dismissed_section


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "dismissed", "reason": "<b>no</b>"}, "must be plain text"),
        ({"status": "dismissed", "reason": "x" * 2001}, "2,000 characters or fewer"),
        ({"status": "perhaps"}, "Choose shortlist, dismiss or accept"),
        ({}, "Choose shortlist, dismiss or accept"),
    ],
)
def test_bad_decisions_on_the_page_are_explained_and_change_nothing(app, pair, data, message):
    client = sign_in(app.test_client(), pair["lead"])
    url = f"/challenges/{pair['challenge']}/fits"
    token = csrf_from(client.get(url).text)

    response = client.post(f"{url}/{pair['sensor']}", data={"csrf_token": token, **data})

    assert response.status_code == 422
    assert "There is a problem" in response.text and message in response.text
    assert _feedback(app) == []


def test_an_innovator_keeps_their_own_list_of_challenges(app, pair):
    client = sign_in(app.test_client(), pair["innovator"])
    url = f"/solutions/{pair['sensor']}/fits"
    token = csrf_from(client.get(url).text)

    mine = client.get("/matches")
    response = client.post(
        f"{url}/{pair['challenge']}", data={"csrf_token": token, "status": "shortlisted"}
    )
    accept = client.post(
        f"{url}/{pair['challenge']}", data={"csrf_token": token, "status": "accepted"}
    )

    assert FALLS_NEED["title"] in mine.text
    assert response.status_code == 302
    assert accept.status_code == 409 and "Only the service" in accept.text
    assert _feedback(app) == [(pair["sensor"], "innovator", "shortlisted", None)]


def test_the_api_ranks_both_ways_with_reasons_and_components(app, pair):
    client = app.test_client()
    lead = {"Authorization": f"Bearer {pair['lead_token']}"}
    innovator = {"Authorization": f"Bearer {pair['innovator_token']}"}

    for_challenge = client.get(f"/api/v1/challenges/{pair['challenge']}/fits", headers=lead)
    filtered = client.get(
        f"/api/v1/challenges/{pair['challenge']}/fits?maturity=idea", headers=lead
    )
    for_solution = client.get(f"/api/v1/solutions/{pair['sensor']}/fits", headers=innovator)

    best = for_challenge.json["items"][0]
    assert best["rank"] == 1 and best["ranked"]["id"] == pair["sensor"]
    assert set(best["components"]) == {"dense", "late", "lexical", "themes", "maturity"}
    assert best["reasons"]["match_sentence"] and best["reasons"]["shared_terms"]
    assert best["band"] in {"strong", "good"} and best["decision"] is None
    assert filtered.json["items"] == []
    assert [i["ranked"]["id"] for i in for_solution.json["items"]] == [pair["challenge"]]


def test_api_decisions_follow_the_same_rules(app, pair):
    client = app.test_client()
    lead = {"Authorization": f"Bearer {pair['lead_token']}"}
    innovator = {"Authorization": f"Bearer {pair['innovator_token']}"}
    url = f"/api/v1/challenges/{pair['challenge']}/fits/{pair['sensor']}"

    accepted = client.put(url, json={"status": "accepted", "version": 0}, headers=lead)
    stale = client.put(url, json={"status": "dismissed", "version": 0}, headers=lead)
    bad = client.put(url, json={"status": "maybe"}, headers=lead)
    script = client.put(
        url, json={"status": "dismissed", "reason": "<script>x</script>"}, headers=lead
    )
    not_theirs = client.put(url, json={"status": "accepted"}, headers=innovator)
    no_such = client.put(
        f"/api/v1/challenges/{pair['challenge']}/fits/{2**31 - 1}",
        json={"status": "accepted"},
        headers=lead,
    )

    assert accepted.status_code == 200 and accepted.json["status"] == "accepted"
    assert accepted.json["version"] == 1
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    assert bad.status_code == 422 and "status" in bad.json["error"]["fields"]
    assert script.status_code == 422 and "reason" in script.json["error"]["fields"]
    assert not_theirs.status_code == 403
    assert no_such.status_code == 404
    assert _feedback(app) == [(pair["sensor"], "service", "accepted", None)]


def test_notifications_reach_innovators_and_are_theirs_alone(app, pair):
    client = sign_in(app.test_client(), pair["innovator"])
    headers = {"Authorization": f"Bearer {pair['innovator_token']}"}

    page = client.get("/notifications")
    listed = app.test_client().get("/api/v1/notifications", headers=headers)
    [notification] = listed.json["items"]
    opened = client.post(
        f"/notifications/{notification['id']}/open", data={"csrf_token": csrf_from(page.text)}
    )
    someone_else = sign_in(app.test_client(), pair["lead"])
    theirs = someone_else.post(
        f"/notifications/{notification['id']}/open",
        data={"csrf_token": csrf_from(someone_else.get("/account").text)},
    )

    assert "Notifications (1 unread)" in page.text and FALLS_NEED["title"] in page.text
    assert listed.json["unread"] == 1
    assert opened.status_code == 302 and opened.location == f"/challenges/{pair['challenge']}"
    assert theirs.status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.read_at)) is not None


def test_the_submit_page_prompts_with_similar_published_challenges(app, pair):
    with app.app_context():
        lead = factories.create_user(role=Role.SERVICE_LEAD)
        draft = factories.create_challenge(
            lead, **{**FALLS_NEED, "title": "Falls at home at night"}
        )
        email, draft_id = lead.email, draft.id
    client = sign_in(app.test_client(), email)

    page = client.get(f"/challenges/{draft_id}/submit")

    assert FALLS_NEED["title"] in page.text and "Closest in meaning" in page.text


def test_a_fit_says_what_the_challenge_asks_for_that_the_solution_does_not_yet_show(app):
    """The service needs tier C evidence, DTAC, DSPT and a stated device class; one solution
    shows all of them, the other shows less, and its fit says exactly what is missing."""
    with app.app_context():
        lead = factories.create_user(role=Role.SERVICE_LEAD)
        challenge = factories.create_challenge(
            lead,
            status="open",
            evidence_tier_wanted="c",
            assurance_wanted=["dtac", "dspt", "device_class"],
            **FALLS_NEED,
        )
        ready = factories.create_solution(**FALLS_SENSOR)
        ready.esf_tier = EsfTier.C
        short = factories.create_solution(**{**FALLS_SENSOR, "title": "FallWatch"})
        short.esf_tier = EsfTier.A
        short.dtac_status = DtacStatus.IN_PROGRESS
        short.dspt_status = None
        short.device_class = None
        db.session.commit()
        ids = challenge.id, ready.id, short.id
        token = factories.create_token(lead)
        team_token = factories.create_token(factories.create_user(role=Role.INNOVATION_TEAM))
        email = lead.email
        db.session.remove()
    challenge_id, ready_id, short_id = ids

    fits = app.test_client().get(
        f"/api/v1/challenges/{challenge_id}/fits",
        headers={"Authorization": f"Bearer {token}"},
    )

    gaps = {i["ranked"]["id"]: i["reasons"]["gaps"] for i in fits.json["items"]}
    assert gaps[ready_id] == []
    assert gaps[short_id] == [
        "The service needs evidence to the NICE evidence standards for tier C; the "
        "solution's evidence is to tier A.",
        "The service needs a passed DTAC assessment; the solution's is in progress.",
        "The service needs Data Security and Protection Toolkit standards met; the "
        "solution's are not stated.",
        "The service needs the medical device class stated (or that it is not a device); "
        "the solution does not state it.",
    ]
    # the same gaps when the challenges are ranked for the solution
    for_solution = app.test_client().get(
        f"/api/v1/solutions/{short_id}/fits", headers={"Authorization": f"Bearer {team_token}"}
    )
    [challenge_fit] = for_solution.json["items"]
    assert challenge_fit["reasons"]["gaps"] == gaps[short_id]
    page = sign_in(app.test_client(), email).get(f"/challenges/{challenge_id}/fits")
    assert page.text.count("Not yet shown") == 1
    assert "the solution&#39;s is in progress." in page.text
