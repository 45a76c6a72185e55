"""Test harness: one app per session on a migrated database, cleaned after every test.

SQLite (a file in a temporary folder) by default. With ``TEST_DATABASE_URL`` (or ``--db
postgresql``) the suite creates a throw-away database on that PostgreSQL server, runs against
it, and drops it at the end.
"""

from __future__ import annotations

import os
import re
import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from marketplace.app import create_app
from marketplace.config import normalise_database_url
from marketplace.extensions import db, limiter
from marketplace.matches.embedding import embedder_for
from tests import factories

DEFAULT_POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_addoption(parser):
    parser.addoption(
        "--db",
        choices=["sqlite", "postgresql"],
        default=None,
        help="database to run against (default: sqlite, or postgresql if TEST_DATABASE_URL)",
    )


def _postgres_server(config) -> str | None:
    server = os.environ.get("TEST_DATABASE_URL") or None
    if config.getoption("--db") == "postgresql":
        return server or DEFAULT_POSTGRES_SERVER
    if config.getoption("--db") == "sqlite":
        return None
    return server


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory):
    server = _postgres_server(request.config)
    if server is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
        return
    server_url = sa.engine.make_url(normalise_database_url(server))
    name = f"marketplace_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


TEST_CONFIG = {
    "ENV_NAME": "test",
    "TESTING": True,
    "SECRET_KEY": "test-secret-key",
    "PASSWORD_HASH_PROFILE": "test",
    "RATELIMIT_STORAGE_URI": "memory://",
    "SERVER_NAME": None,
    "MATCHING_EMBEDDER": "hashing",
    "MATCHING_QUEUE": None,
}


@pytest.fixture(scope="session")
def real_embedder():
    """The bundled all-MiniLM-L6-v2, loaded once per test session and shared by every test
    (and app) that asks for the real model."""
    return embedder_for({"MATCHING_EMBEDDER": "sentence-transformers"})


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MATCHING_INDEX_DIR": str(tmp_path_factory.mktemp("matching-index")),
        }
    )
    with app.app_context():
        upgrade()
        app.extensions["reference_rows"] = _reference_rows()
        db.engine.dispose()
    return app


def _reference_rows() -> dict:
    """Rows the migrations themselves insert (such as the starting themes), restored after each
    test so every test starts from a freshly migrated database. The matching feed is the
    exception: an emptied database must look new to every process's index, so its feed is
    left to be made afresh, with a new epoch, by the next change."""
    with db.engine.connect() as connection:
        return {
            table: [dict(row._mapping) for row in connection.execute(table.select())]
            for table in db.metadata.sorted_tables
            if table.name != "matching_feed"
        }


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test that used the app, and forget rate-limit counts."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(table.delete())
            for table, rows in app.extensions["reference_rows"].items():
                if rows:
                    connection.execute(table.insert(), rows)
        limiter.reset()


@pytest.fixture
def app_context(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def session(app_context):
    """The app's database session, for calling services and checking what was stored."""
    return db.session


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(html: str) -> str:
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1)


def post_form(client, url: str, data: dict, *, form_page: str | None = None, **kwargs):
    """Submit a form as a browser would: fetch the page for its CSRF token, then post."""
    page = client.get(form_page or url)
    return client.post(url, data={"csrf_token": csrf_from(page.text), **data}, **kwargs)


def sign_in(client, email: str, password: str = factories.PASSWORD):
    response = post_form(client, "/sign-in", {"email": email, "password": password})
    assert response.status_code == 302, response.text
    return client


@pytest.fixture
def signed_in(app):
    """``signed_in(role)`` → a test client signed in as a new user with that role."""

    def make(role=None, **user_overrides):
        with app.app_context():
            user = factories.create_user(role=role, **user_overrides)
            email = user.email
            db.session.remove()
        return sign_in(app.test_client(), email)

    return make


@pytest.fixture
def api_client(app):
    """``api_client(role)`` → (test client, headers with a bearer token) for a new user."""

    def make(role=None, **user_overrides):
        with app.app_context():
            user = factories.create_user(role=role, **user_overrides)
            secret = factories.create_token(user)
            db.session.remove()
        return app.test_client(), {"Authorization": f"Bearer {secret}"}

    return make
