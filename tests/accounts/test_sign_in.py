"""Signing in and out, and the server-side session controls."""

from __future__ import annotations

import pytest

from marketplace.accounts.models import User
from marketplace.audit import AuditEvent
from tests import factories
from tests.conftest import post_form, sign_in

NEW_PASSWORD = "granite-plover-saffron-61"


@pytest.fixture
def person(app_context):
    return factories.create_user(email="grace@example.nhs.uk", name="Grace Okafor")


def test_signing_in_with_the_right_password(client, person):
    response = post_form(
        client, "/sign-in", {"email": "Grace@Example.nhs.uk ", "password": factories.PASSWORD}
    )

    assert response.status_code == 302
    assert "Welcome, Grace Okafor" in client.get("/").text


@pytest.mark.parametrize(
    ("email", "password"),
    [
        ("grace@example.nhs.uk", "wrong-password-entirely"),
        ("nobody@example.nhs.uk", factories.PASSWORD),
    ],
)
def test_wrong_credentials_get_one_message_that_does_not_say_which(client, person, email, password):
    response = post_form(client, "/sign-in", {"email": email, "password": password})

    assert response.status_code == 422
    assert "Enter a correct email address and password" in response.text
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "password": "x"}, "Enter your email address"),
        ({"email": "grace@example.nhs.uk", "password": ""}, "Enter your password"),
        (
            {"email": "<script>alert(1)</script>", "password": "x" * 10_000},
            "Enter a correct email address and password",
        ),
    ],
)
def test_missing_or_hostile_sign_in_fields(client, person, data, message):
    response = post_form(client, "/sign-in", data)

    assert response.status_code == 422
    assert message in response.text
    assert "<script>alert(1)</script>" not in response.text


def test_sign_in_without_a_csrf_token_is_refused(client, person):
    response = client.post("/sign-in", data={"email": person.email, "password": factories.PASSWORD})

    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_too_many_failed_attempts_are_blocked(client, person):
    for _ in range(5):
        post_form(client, "/sign-in", {"email": person.email, "password": "not-the-password"})

    response = post_form(
        client, "/sign-in", {"email": person.email, "password": factories.PASSWORD}
    )

    assert response.status_code == 429
    assert "Too many attempts" in response.text
    assert client.get("/account").status_code == 302


def test_successful_sign_ins_do_not_count_towards_the_limit(app, person):
    for _ in range(7):
        client = app.test_client()
        sign_in(client, person.email)


def test_failed_sign_ins_are_not_stored_but_successful_ones_are_audited(client, session, person):
    post_form(client, "/sign-in", {"email": person.email, "password": "not-the-password"})
    sign_in(client, person.email)

    events = session.scalars(
        session.query(AuditEvent).filter_by(action="user.signed_in").statement
    ).all()
    assert len(events) == 1


def test_next_takes_you_back_but_never_off_site(client, person):
    page = client.get("/account")
    assert page.headers["Location"].endswith("/sign-in?next=/account")

    inside = post_form(
        client,
        "/sign-in?next=/account/tokens",
        {"email": person.email, "password": factories.PASSWORD},
    )
    assert inside.headers["Location"] == "/account/tokens"

    client.post("/sign-out")
    outside = post_form(
        client,
        "/sign-in?next=//evil.example/x",
        {"email": person.email, "password": factories.PASSWORD},
    )
    assert outside.headers["Location"] == "/"


def test_sign_out_ends_the_session(client, person):
    sign_in(client, person.email)

    client.post("/sign-out")

    assert client.get("/account").status_code == 302


def test_sign_out_everywhere_ends_every_session(app, person):
    laptop = sign_in(app.test_client(), person.email)
    phone = sign_in(app.test_client(), person.email)

    response = post_form(laptop, "/account/sign-out-everywhere", {}, form_page="/account")

    assert response.status_code == 302
    assert laptop.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    sign_in(app.test_client(), person.email)  # signing in again works


def test_a_disabled_user_is_signed_out_and_cannot_sign_in(app, session, person):
    client = sign_in(app.test_client(), person.email)
    user = session.get(User, person.id)
    user.disabled_at = factories.utcnow()
    session.commit()

    assert client.get("/account").status_code == 302
    response = post_form(
        app.test_client(), "/sign-in", {"email": person.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 422


def test_changing_password_keeps_this_session_and_ends_the_others(app, session, person):
    this = sign_in(app.test_client(), person.email)
    other = sign_in(app.test_client(), person.email)

    response = post_form(
        this,
        "/account/password",
        {
            "current_password": factories.PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )

    assert response.status_code == 302
    assert this.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    sign_in(app.test_client(), person.email, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current_password": "wrong-one-here"}, "Your current password is not right"),
        ({"new_password": "short", "confirm_password": "short"}, "at least 12 characters"),
        (
            {"new_password": factories.PASSWORD, "confirm_password": factories.PASSWORD},
            "must be different",
        ),
        ({"confirm_password": "does-not-match-it"}, "The passwords do not match"),
        (
            {"new_password": "Grace Okafor 1", "confirm_password": "Grace Okafor 1"},
            "Choose a stronger password",
        ),
    ],
)
def test_bad_password_changes_are_refused_and_change_nothing(app, session, person, data, message):
    client = sign_in(app.test_client(), person.email)
    before = session.get(User, person.id).password_hash
    form = {
        "current_password": factories.PASSWORD,
        "new_password": NEW_PASSWORD,
        "confirm_password": NEW_PASSWORD,
        **data,
    }

    response = post_form(client, "/account/password", form)

    assert response.status_code == 422
    assert message in response.text
    session.expire_all()
    assert session.get(User, person.id).password_hash == before


def test_sign_in_limits_are_shared_by_every_worker_through_redis(app, person):
    """With REDIS_URL set, two app processes count failed attempts together."""
    import redis

    from marketplace.app import create_app
    from marketplace.extensions import limiter
    from tests.conftest import TEST_CONFIG

    prefix = f"marketplace-test-{person.id}-{id(app)}"
    config = {
        **TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "RATELIMIT_KEY_PREFIX": prefix,  # keys of its own: parallel runs cannot interfere
        "SIGN_IN_RATE_LIMIT": "3 per minute",
    }
    data = {"email": person.email, "password": "not-the-password"}
    client = redis.Redis(host="127.0.0.1", port=6379, db=15)
    try:
        # Flask-Limiter keeps its storage on the shared extension object, so the two "workers"
        # are built one after the other; each request below goes through Redis.
        worker_one = create_app(config)
        for _ in range(2):
            post_form(worker_one.test_client(), "/sign-in", data)
        worker_two = create_app(config)
        post_form(worker_two.test_client(), "/sign-in", data)
        blocked = post_form(worker_two.test_client(), "/sign-in", data)

        assert blocked.status_code == 429
        assert client.keys(f"*{prefix}*"), "no rate-limit counters in Redis"
    finally:
        for key in client.keys(f"*{prefix}*"):
            client.delete(key)
        limiter.init_app(app)  # back to the suite's in-memory storage
