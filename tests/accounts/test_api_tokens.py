"""Personal access tokens: created and revoked on a page, stored hashed, used as Bearer."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from marketplace.accounts import services
from marketplace.accounts.models import ApiToken
from marketplace.extensions import db
from tests import factories
from tests.conftest import post_form


@pytest.fixture
def person(app_context):
    return factories.create_user(email="dev@example.org")


@pytest.fixture
def browser(app, person):
    return factories.sign_in_as(app, person.email)


def create_on_page(browser, name="reporting script", days="30"):
    page = post_form(browser, "/account/tokens", {"name": name, "expires_in_days": days})
    match = re.search(r'<code id="new-token">([^<]+)</code>', page.text)
    return page, match.group(1) if match else None


def test_a_token_is_shown_once_and_only_its_hash_is_stored(browser, session):
    page, secret = create_on_page(browser)

    assert page.status_code == 200
    assert secret.startswith("mkt_")
    [token] = session.scalars(session.query(ApiToken).statement).all()
    assert secret not in (token.token_hash, token.prefix)
    assert secret not in browser.get("/account/tokens").text


def test_the_token_authenticates_api_calls(browser, client):
    _page, secret = create_on_page(browser)

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200
    assert response.json["email"] == "dev@example.org"


def test_a_revoked_token_stops_working(browser, client, session):
    _page, secret = create_on_page(browser)
    [token] = session.scalars(session.query(ApiToken).statement).all()

    post_form(browser, f"/account/tokens/{token.id}/revoke", {}, form_page="/account/tokens")

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"


def test_an_expired_token_stops_working(person, client, session):
    secret = factories.create_token(person)
    token = session.scalars(session.query(ApiToken).statement).one()
    token.expires_at = factories.utcnow() - timedelta(minutes=1)
    session.commit()

    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_someone_elses_token_cannot_be_revoked(app, person, session):
    factories.create_token(person)
    token = session.scalars(session.query(ApiToken).statement).one()
    intruder = factories.sign_in_as(app, factories.create_user().email)

    response = post_form(
        intruder, f"/account/tokens/{token.id}/revoke", {}, form_page="/account/tokens"
    )

    assert response.status_code == 404
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is None


@pytest.mark.parametrize(
    ("name", "days", "message"),
    [
        ("", "30", "Enter a name for the token"),
        ("t" * 5000, "30", "100 characters or fewer"),
        ("<img src=x onerror=alert(1)>", "30", "must not contain &lt; or &gt;"),
        ("ok", "0", "Expiry must be between 1 and 366 days"),
        ("ok", "4000", "Expiry must be between 1 and 366 days"),
        ("ok", "soon", "Not a valid integer value"),
    ],
)
def test_bad_token_requests_are_refused(browser, session, name, days, message):
    page, secret = create_on_page(browser, name, days)

    assert page.status_code == 422
    assert message in page.text
    assert secret is None
    assert factories.count(ApiToken) == 0


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer mkt_nonsense",
        "Basic dXNlcjpwYXNz",
        "bearer " + "x" * 5000,
        "Token abc",
    ],
)
def test_malformed_authorisation_headers_get_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_browser_session_does_not_authenticate_the_api(browser):
    assert browser.get("/api/v1/me").status_code == 401


@pytest.fixture
def token_use(person, client, session, app):
    """``token_use()`` → (the token's recorded last use, UPDATEs of api_tokens issued) after
    one API call with it."""
    secret = factories.create_token(person)
    token_id = session.scalars(session.query(ApiToken).statement).one().id
    session.remove()

    def use():
        updates = []

        def note(_conn, _cursor, statement, *_args):
            if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
                updates.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", note)
        try:
            response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        finally:
            sa.event.remove(engine, "before_cursor_execute", note)
        assert response.status_code == 200
        return session.get(ApiToken, token_id, populate_existing=True).last_used_at, len(updates)

    return use


def test_a_tokens_first_use_is_recorded(token_use):
    last_used, updates = token_use()

    assert updates == 1
    assert factories.utcnow() - last_used < timedelta(seconds=30)


def test_uses_within_the_interval_write_nothing(token_use):
    first, _ = token_use()

    again, updates = token_use()

    assert again == first
    assert updates == 0


def test_a_use_after_the_interval_is_recorded(token_use, session):
    first, _ = token_use()
    token = session.scalars(session.query(ApiToken).statement).one()
    token.last_used_at = first - services.TOKEN_USE_INTERVAL - timedelta(seconds=1)
    session.commit()

    last_used, updates = token_use()

    assert updates == 1
    assert last_used >= first


def test_of_workers_holding_the_same_stale_value_only_one_writes(person, session):
    """Another worker recorded a use after this one read the token: the conditional UPDATE
    finds the row fresh and leaves it."""
    factories.create_token(person)
    token = session.scalars(session.query(ApiToken).statement).one()
    recorded_elsewhere = factories.utcnow()
    session.execute(
        sa.update(ApiToken)
        .where(ApiToken.id == token.id)
        .values(last_used_at=recorded_elsewhere)
        .execution_options(synchronize_session=False)
    )

    assert token.last_used_at is None  # what this worker still holds
    assert services.record_token_use(session, token) is False
    session.commit()
    assert session.get(ApiToken, token.id).last_used_at == recorded_elsewhere


def test_the_tokens_page_says_how_precise_last_used_is(browser):
    create_on_page(browser)

    page = browser.get("/account/tokens").text

    assert "Use is recorded at most once every 5 minutes" in page
