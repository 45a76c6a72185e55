"""The challenges JSON API: the same rules as the pages, as JSON."""

from __future__ import annotations

from datetime import timedelta

import pytest

from challenges.models import Challenge
from marketplace.accounts.models import Role
from marketplace.db import uk_today
from tests import factories


@pytest.fixture
def lead_user(app_context):
    return factories.create_user(role=Role.SERVICE_LEAD)


@pytest.fixture
def lead(app, lead_user):
    return app.test_client(), {"Authorization": f"Bearer {factories.create_token(lead_user)}"}


@pytest.fixture
def team(api_client):
    return api_client(Role.INNOVATION_TEAM)


def body(organisation_id, **overrides):
    data = {
        "organisation_id": organisation_id,
        "title": "Delayed discharge of medically fit patients",
        "need": "Patients wait in hospital for care packages after they are well.",
        "evidence": "On average 62 beds a day are occupied by medically fit patients.",
        "affected": "Older patients and their families.",
        "outcomes": "Cut the average delay from 6 days to 2.",
        "theme_ids": factories.theme_ids("Frailty"),
        "closing_date": (uk_today() + timedelta(days=30)).isoformat(),
        "stage_wanted": "deployable_now",
    }
    data.update(overrides)
    return data


def test_draft_submit_publish_through_the_api(lead, lead_user, team):
    client, headers = lead
    created = client.post(
        "/api/v1/challenges",
        headers=headers,
        json=body(lead_user.active_memberships[0].organisation_id),
    )
    assert created.status_code == 201, created.json
    challenge_id = created.json["id"]
    assert created.json["status"] == "draft"

    submitted = client.post(f"/api/v1/challenges/{challenge_id}/submit", headers=headers)
    team_client, team_headers = team
    published = team_client.post(f"/api/v1/challenges/{challenge_id}/publish", headers=team_headers)
    listed = client.get("/api/v1/challenges?q=discharge", headers=headers).json

    assert submitted.json["status"] == "submitted"
    assert published.json["status"] == "open"
    assert [c["id"] for c in listed["items"]] == [challenge_id]


def test_what_the_service_requires_is_kept_and_changed_through_the_api(lead, lead_user):
    client, headers = lead
    created = client.post(
        "/api/v1/challenges",
        headers=headers,
        json=body(
            lead_user.active_memberships[0].organisation_id,
            evidence_tier_wanted="c",
            assurance_wanted=["dspt", "dtac"],
        ),
    )
    assert created.status_code == 201, created.json
    assert created.json["evidence_tier_wanted"] == "c"
    assert created.json["assurance_wanted"] == ["dtac", "dspt"]

    changed = client.patch(
        f"/api/v1/challenges/{created.json['id']}",
        headers=headers,
        json={"assurance_wanted": ["device_class"], "version": created.json["version"]},
    )

    assert changed.status_code == 200, changed.json
    assert changed.json["assurance_wanted"] == ["device_class"]
    assert changed.json["evidence_tier_wanted"] == "c"  # left as it was


def test_patch_changes_only_what_is_sent_and_detects_stale_versions(lead, lead_user, session):
    client, headers = lead
    challenge = factories.create_challenge(lead_user)
    url = f"/api/v1/challenges/{challenge.id}"

    first = client.patch(url, headers=headers, json={"title": "New title", "version": 1})
    stale = client.patch(url, headers=headers, json={"title": "Other title", "version": 1})

    assert first.status_code == 200
    assert first.json["title"] == "New title"
    assert first.json["need"] == challenge.need
    assert stale.status_code == 409
    assert stale.json["error"]["code"] == "conflict"


def test_submitting_an_incomplete_draft_names_every_missing_part(lead, lead_user):
    client, headers = lead
    created = client.post(
        "/api/v1/challenges",
        headers=headers,
        json={"organisation_id": lead_user.active_memberships[0].organisation_id, "title": "Idea"},
    )

    response = client.post(f"/api/v1/challenges/{created.json['id']}/submit", headers=headers)

    assert response.status_code == 422
    assert response.json["error"]["message"] == "This challenge is not ready to submit"
    assert set(response.json["error"]["fields"]) >= {"need", "outcomes", "closing_date"}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": None}, "title"),
        ({"need": "<img src=x onerror=alert(1)>"}, "need"),
        ({"closing_date": "2001-01-01"}, "closing_date"),
        ({"closing_date": "not a date"}, "closing_date"),
        ({"theme_ids": "Frailty"}, "theme_ids"),
        ({"stage_wanted": 5}, "stage_wanted"),
        ({"outcomes": "o" * 6000}, "outcomes"),
        ({"evidence_tier_wanted": "d"}, "evidence_tier_wanted"),
        ({"evidence_tier_wanted": ["a"]}, "evidence_tier_wanted"),
        ({"assurance_wanted": ["dtac", "iso9001"]}, "assurance_wanted"),
        ({"assurance_wanted": "dtac"}, "assurance_wanted"),
        ({"assurance_wanted": ["x" * 51]}, "assurance_wanted"),
        ({"assurance_wanted": ["dtac"] * 11}, "assurance_wanted"),
    ],
)
def test_bad_challenges_are_refused_and_not_stored(lead, lead_user, session, overrides, field):
    client, headers = lead

    response = client.post(
        "/api/v1/challenges",
        headers=headers,
        json=body(lead_user.active_memberships[0].organisation_id, **overrides),
    )

    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert factories.count(Challenge) == 0


def test_posting_for_someone_elses_organisation_is_refused(lead, session):
    client, headers = lead
    other = factories.create_organisation()

    response = client.post("/api/v1/challenges", headers=headers, json=body(other.id))

    assert response.status_code == 422
    assert "organisation_id" in response.json["error"]["fields"]
    assert factories.count(Challenge) == 0


def test_publishing_without_review_is_refused(team, session):
    draft = factories.create_challenge()
    client, headers = team

    response = client.post(f"/api/v1/challenges/{draft.id}/publish", headers=headers)

    assert response.status_code == 409
    assert response.json["error"]["code"] == "invalid_transition"


def test_return_needs_comments_and_withdraw_needs_a_reason(team, lead, lead_user, session):
    submitted = factories.create_challenge(lead_user, status="submitted")
    team_client, team_headers = team
    client, headers = lead

    no_comments = team_client.post(
        f"/api/v1/challenges/{submitted.id}/return", headers=team_headers, json={}
    )
    returned = team_client.post(
        f"/api/v1/challenges/{submitted.id}/return",
        headers=team_headers,
        json={"comments": "Add figures"},
    )
    no_reason = client.post(
        f"/api/v1/challenges/{submitted.id}/withdraw", headers=headers, json={"reason": ""}
    )

    assert no_comments.status_code == 422
    assert returned.json["status"] == "draft"
    assert returned.json["review_comments"] == "Add figures"
    assert no_reason.status_code == 422


def test_drafts_are_hidden_from_other_organisations(api_client, session):
    draft = factories.create_challenge()
    client, headers = api_client(Role.INNOVATOR)

    assert client.get(f"/api/v1/challenges/{draft.id}", headers=headers).status_code == 404


def test_themes_are_listed(api_client):
    client, headers = api_client(Role.INNOVATOR)

    names = [t["name"] for t in client.get("/api/v1/themes", headers=headers).json]

    assert "Patient safety" in names and "Children and young people" in names


def test_open_challenges_as_a_json_feed(api_client, session):
    factories.create_challenge(status="open", title="Open one")
    factories.create_challenge(status="submitted", title="Not yet published")
    client, headers = api_client(Role.INNOVATOR)

    feed = client.get("/api/v1/challenges/feed.json", headers=headers).json

    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert [i["title"] for i in feed["items"]] == ["Open one"]
    assert feed["items"][0]["url"].endswith(f"/challenges/{feed['items'][0]['id']}")
