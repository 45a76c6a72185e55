"""Logs: JSON lines (or text in development), each tied to its request by an id that the
response echoes."""

from __future__ import annotations

import io
import json
import logging
import logging.config

import pytest

from marketplace.app import create_app
from marketplace.logs import SAFE_REQUEST_ID, dict_config
from tests import factories
from tests.conftest import TEST_CONFIG


@pytest.fixture
def configured():
    """``configured(format)`` → logging set up as the app and gunicorn set it up, writing into
    the string returned instead of standard output; the test runner's own set-up is restored
    afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level

    def configure(log_format: str) -> io.StringIO:
        logging.config.dictConfig(dict_config(log_format))
        stream = io.StringIO()
        [handler] = root.handlers
        handler.setStream(stream)
        return stream

    yield configure
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


@pytest.fixture
def json_lines(configured):
    stream = configured("json")
    return lambda: [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.fixture
def logging_client(app):
    """A client of an app with a page that logs a line of its own, from another logger."""
    logging_app = create_app(
        {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    )

    @logging_app.get("/logs-test")
    def logs_test():
        logging.getLogger("marketplace.somewhere").warning("inside %s", "the request")
        return "ok"

    logs_test.is_public = True
    return logging_app.test_client()


def test_a_safe_request_id_from_the_caller_is_kept_and_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-1234_abcd"})

    assert response.headers["X-Request-ID"] == "lb-1234_abcd"


@pytest.mark.parametrize(
    "given",
    [None, "", "a" * 65, "has space", "semi;colon", "tab\there", "<script>", "ünïcode"],
)
def test_an_unsafe_or_missing_request_id_is_replaced_by_a_fresh_one(client, given):
    headers = {} if given is None else {"X-Request-ID": given}

    echoed = client.get("/healthz", headers=headers).headers["X-Request-ID"]

    assert echoed != given
    assert SAFE_REQUEST_ID.fullmatch(echoed)
    assert client.get("/healthz").headers["X-Request-ID"] != echoed  # fresh per request


def test_every_line_of_a_request_carries_its_id_and_the_access_line_its_facts(
    logging_client, json_lines
):
    logging_client.get("/logs-test", headers={"X-Request-ID": "req-42"})

    lines = [line for line in json_lines() if line["request_id"] == "req-42"]
    own, access = lines
    assert own["logger"] == "marketplace.somewhere"
    assert own["level"] == "WARNING"
    assert own["message"] == "inside the request"
    assert access["logger"] == "marketplace.requests"
    assert access["method"] == "GET"
    assert access["path"] == "/logs-test"
    assert access["status"] == 200
    assert access["duration_ms"] >= 0
    assert access["remote_addr"] == "127.0.0.1"
    assert access["user_id"] is None
    assert {"time", "level", "message", "process"} <= access.keys()


def test_the_access_line_names_the_user_by_id_never_by_session_token(app, json_lines):
    with app.app_context():
        user = factories.create_user()
        user_id, session_token = user.id, user.session_token
    browser = factories.sign_in_as(app, user.email)

    browser.get("/account", headers={"X-Request-ID": "signed-in"})

    [access] = [line for line in json_lines() if line["request_id"] == "signed-in"]
    assert access["user_id"] == user_id
    assert session_token not in json.dumps(json_lines())


def test_a_failure_is_one_json_line_with_its_traceback(json_lines):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("marketplace.test").exception("it failed")

    [line] = [line for line in json_lines() if line["logger"] == "marketplace.test"]
    assert line["request_id"] is None  # outside any request
    assert line["message"] == "it failed"
    assert "RuntimeError: boom" in line["exception"]


def test_development_logs_are_plain_text_with_the_request_id(logging_client, configured):
    stream = configured("text")

    logging_client.get("/logs-test", headers={"X-Request-ID": "plain-1"})
    logging.getLogger("marketplace.later").warning("no request now")

    lines = stream.getvalue().splitlines()
    assert any(" WARNING marketplace.somewhere [plain-1] inside the request" in x for x in lines)
    assert any(" INFO marketplace.requests [plain-1] GET /logs-test 200 " in x for x in lines)
    assert lines[-1].endswith(" WARNING marketplace.later [-] no request now")
