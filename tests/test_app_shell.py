"""The app shell: health check, security headers, the one error mapping, request logging."""

from __future__ import annotations

import logging
import re

import pytest
from flask import render_template_string, request

from marketplace.app import create_app
from marketplace.pagination import Page
from tests.conftest import TEST_CONFIG


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path):
    broken = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-dir/nope.sqlite3",
        }
    )

    response = broken.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_pages_carry_a_nonce_based_content_security_policy(client):
    response = client.get("/sign-in")

    policy = response.headers["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    scripts = re.findall(r"<script[^>]*>", response.text)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    assert client.get("/sign-in").headers["Content-Security-Policy"] != policy  # fresh per response


def test_security_headers(client):
    headers = client.get("/").headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_for_signed_in_users_are_not_cached(signed_in):
    assert signed_in().get("/account").headers["Cache-Control"] == "no-store"


def test_session_cookie_is_http_only_and_same_site(client, app_context):
    from tests import factories
    from tests.conftest import post_form

    factories.create_user(email="c@example.org")
    response = post_form(
        client, "/sign-in", {"email": "c@example.org", "password": factories.PASSWORD}
    )

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_an_unknown_page_is_an_nhs_style_404(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.text
    assert "nhsuk-header" in response.text


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json["error"] == {
        "code": "not_found",
        "message": "Page not found",
        "fields": {},
    }


def test_an_unexpected_failure_is_logged_and_answered_without_details(app, caplog):
    broken = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )

    @broken.get("/api/v1/explode")
    def explode():
        raise RuntimeError("secret internals")

    @broken.get("/explode")
    def explode_page():
        raise RuntimeError("secret internals")

    explode.is_public = explode_page.is_public = True
    client = broken.test_client()
    with caplog.at_level(logging.ERROR):
        api = client.get("/api/v1/explode")
        page = client.get("/explode")

    assert api.status_code == 500
    assert api.json["error"]["code"] == "server_error"
    assert "secret internals" not in api.text
    assert page.status_code == 500
    assert "Sorry, something went wrong" in page.text
    assert "secret internals" not in page.text
    assert "secret internals" in caplog.text


def test_every_request_is_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="marketplace.requests"):
        client.get("/healthz")

    assert re.search(r"GET /healthz 200 [\d.]+ms user=None", caplog.text)


@pytest.mark.parametrize(
    "path", ["/assets/images/favicon.svg", "/static/vendor/nhsuk/nhsuk-frontend.min.css"]
)
def test_design_system_assets_are_served(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/api/v1/organisations?q=a%00b", {}),
        ("get", "/sign-in?next=%00", {}),
        ("post", "/sign-in", {"data": {"email": "a\x00@example.org", "password": "x"}}),
        ("post", "/api/v1/registrations", {"json": {"email": "a\u0000b", "name": "x"}}),
    ],
)
def test_nul_characters_are_refused_before_they_reach_the_database(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)

    assert response.status_code == 400
    assert "a character that cannot be accepted" in response.text


def test_navigation_marks_the_current_section_and_follows_roles(signed_in):
    from marketplace.accounts.models import Role

    team = signed_in(Role.INNOVATION_TEAM).get("/admin/audit").text
    lead = signed_in(Role.SERVICE_LEAD).get("/account").text

    assert 'aria-current="page"' in team or 'aria-current="true"' in team
    assert "Audit log" in team
    assert "Audit log" not in lead
    assert "Test beds" in lead and "Your challenges" in lead


def test_page_links_carry_the_filters_but_set_their_own_page_number(app):
    """Passing request.args (which holds ?page=2) to the pagination macro must not clash."""
    page = Page(items=[1], page=2, per_page=1, total=3)
    with app.test_request_context("/testbeds/register?page=2&status=live"):
        html = render_template_string(
            '{% from "macros/pagination.html" import pagination %}'
            '{{ pagination(page, "testbeds.register", request.args) }}',
            page=page,
            request=request,
        )

    assert "page=1" in html and "page=3" in html
    assert html.count("status=live") == 2
