"""Configuration from the environment."""

from __future__ import annotations

import pytest

from marketplace.config import ConfigError, from_environment, normalise_database_url


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
