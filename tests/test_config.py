"""Configuration from the environment."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from marketplace.cli import main
from marketplace.config import RATE_LIMITS, ConfigError, from_environment, normalise_database_url
from marketplace.extensions import limiter


def test_development_needs_no_environment():
    config = from_environment({})

    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert config["SQLALCHEMY_DATABASE_URI"].endswith("instance/marketplace.sqlite3")
    assert len(config["SECRET_KEY"]) >= 32
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_production_refuses_to_start_without_a_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        from_environment({"MARKETPLACE_ENV": "production"})


def test_production_settings_are_secure():
    config = from_environment(
        {
            "MARKETPLACE_ENV": "production",
            "SECRET_KEY": "s" * 64,
            "DATABASE_URL": "postgres://app@db/marketplace",
            "REDIS_URL": "redis://cache:6379/0",
            "MATCHING_MODEL": "/models/minilm",
        }
    )

    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://app@db/marketplace"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    assert config["MATCHING_MODEL"] == "/models/minilm"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgresql://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgres://u@h/d", "postgresql+psycopg://u@h/d"),
        ("postgresql+psycopg://u@h/d", "postgresql+psycopg://u@h/d"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_use_psycopg_3(given, expected):
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize("value", ["0", "-5", "many", "1e3", "", "<script>"])
def test_a_snapshot_interval_that_is_not_a_whole_number_stops_start_up_naming_it(value):
    with pytest.raises(ConfigError, match="MATCHING_SNAPSHOT_EVERY must be a whole number"):
        from_environment({"MATCHING_SNAPSHOT_EVERY": value})


def test_the_snapshot_interval_is_read_from_the_environment():
    assert from_environment({})["MATCHING_SNAPSHOT_EVERY"] == 1000
    assert from_environment({"MATCHING_SNAPSHOT_EVERY": " 250 "})["MATCHING_SNAPSHOT_EVERY"] == 250


PRODUCTION = {
    "MARKETPLACE_ENV": "production",
    "SECRET_KEY": "s" * 64,
    "DATABASE_URL": "postgresql://app@db/marketplace",
    "REDIS_URL": "redis://cache:6379/0",
}


def production_without(*names: str, **extra: str) -> dict[str, str]:
    return {k: v for k, v in PRODUCTION.items() if k not in names} | extra


def test_a_complete_production_environment_starts():
    assert from_environment(PRODUCTION)["ENV_NAME"] == "production"


def test_production_refuses_rate_limits_that_each_process_would_count_alone():
    with pytest.raises(ConfigError) as refused:
        from_environment(production_without("REDIS_URL"))

    message = str(refused.value)
    assert message.startswith("REDIS_URL is not set")
    for name in ("SIGN_IN_RATE_LIMIT", "SIGN_IN_ADDRESS_RATE_LIMIT", "REGISTER_RATE_LIMIT"):
        assert name in message
    assert "RATE_LIMITS_PER_PROCESS=1" in message


def test_rate_limits_per_process_may_be_allowed_explicitly():
    config = from_environment(production_without("REDIS_URL", RATE_LIMITS_PER_PROCESS="1"))

    assert config["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize(
    ("database", "said"),
    [({"DATABASE_URL": "sqlite:////srv/marketplace.sqlite3"}, "is SQLite"), ({}, "is not set")],
)
def test_production_refuses_sqlite(database, said):
    with pytest.raises(ConfigError, match=f"DATABASE_URL {said}.*ALLOW_SQLITE=1"):
        from_environment(production_without("DATABASE_URL", **database))


def test_sqlite_may_be_allowed_explicitly():
    config = from_environment(production_without("DATABASE_URL", ALLOW_SQLITE="1"))

    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")


def test_every_refusal_is_reported_at_once():
    with pytest.raises(ConfigError) as refused:
        from_environment({"MARKETPLACE_ENV": "staging"})

    assert [line.split()[0] for line in str(refused.value).splitlines()] == [
        "SECRET_KEY",
        "REDIS_URL",
        "DATABASE_URL",
    ]


def test_every_declared_rate_limit_is_sized_by_a_setting_the_refusal_names(app):
    """A new ``limiter.limit`` must be named in RATE_LIMITS, so that running it per process is
    refused too. (Flask-Limiter keeps decorated limits on its limit manager.)"""
    sizes = {name: f"{number} per day" for number, name in enumerate(RATE_LIMITS, start=1)}
    declared = limiter.limit_manager._decorated_limits.values()
    configured = {name: app.config[name] for name in RATE_LIMITS}
    app.config.update(sizes)
    try:
        with app.test_request_context():
            provided = {limit.limit_provider() for limits in declared for limit in limits}
    finally:
        app.config.update(configured)

    assert provided == set(sizes.values())


def test_log_format_is_json_outside_development_and_text_in_it():
    assert from_environment({})["LOG_FORMAT"] == "text"
    assert from_environment(PRODUCTION)["LOG_FORMAT"] == "json"
    assert from_environment({"LOG_FORMAT": "json"})["LOG_FORMAT"] == "json"
    with pytest.raises(ConfigError, match="LOG_FORMAT must be json or text"):
        from_environment({"LOG_FORMAT": "xml"})


def test_the_command_line_reports_a_refused_setting_without_a_traceback():
    result = CliRunner().invoke(main, ["db", "upgrade"], env=PRODUCTION | {"SECRET_KEY": None})

    assert result.exit_code == 1
    assert "Error: SECRET_KEY must be set" in result.output
    assert "Traceback" not in result.output
