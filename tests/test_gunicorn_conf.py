"""The production server's settings: read from the environment, accepted by gunicorn, and the
one entry point that refuses development settings."""

from __future__ import annotations

import importlib
import runpy
import sys
import types

import pytest
from gunicorn.config import Config

from marketplace import gunicorn_conf
from marketplace.config import ConfigError
from marketplace.extensions import db


@pytest.fixture
def settings(monkeypatch):
    """``settings(**environment)`` → the configuration module as read under that environment,
    already checked by gunicorn's own validators."""

    def read(**environment):
        for name in ("BIND", "PORT", "WEB_CONCURRENCY", "GUNICORN_THREADS", "LOG_FORMAT"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("MARKETPLACE_ENV", "production")
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        module = importlib.reload(gunicorn_conf)
        config = Config()
        for name, value in vars(module).items():
            if name in config.settings:
                config.set(name, value)
        return module

    yield read
    monkeypatch.undo()
    importlib.reload(gunicorn_conf)


def test_defaults_suit_a_small_machine(settings):
    conf = settings()

    assert conf.wsgi_app == "marketplace.wsgi:app"
    assert conf.bind == ["127.0.0.1:5000"]
    assert conf.workers >= 1
    assert (conf.threads, conf.worker_class) == (4, "gthread")
    assert conf.preload_app is True
    assert conf.timeout >= 60 > conf.graceful_timeout
    assert conf.max_requests and conf.max_requests_jitter
    assert conf.forwarded_allow_ips == ""


def test_sizes_and_address_come_from_the_environment(settings):
    conf = settings(WEB_CONCURRENCY="3", GUNICORN_THREADS="8", PORT="8080")

    assert (conf.workers, conf.threads, conf.bind) == (3, 8, ["127.0.0.1:8080"])
    assert settings(BIND="unix:/run/marketplace.sock").bind == ["unix:/run/marketplace.sock"]


@pytest.mark.parametrize("name", ["WEB_CONCURRENCY", "GUNICORN_THREADS", "PORT"])
def test_a_size_that_is_not_a_whole_number_stops_the_server_naming_it(settings, name):
    with pytest.raises(ConfigError, match=f"{name} must be a whole number"):
        settings(**{name: "lots"})


def test_server_lines_share_the_apps_format(settings):
    assert settings().logconfig_dict["formatters"]["line"]["()"].__name__ == "JsonFormatter"
    assert "fmt" in settings(LOG_FORMAT="text").logconfig_dict["formatters"]["line"]
    assert settings().accesslog is None  # the app writes the access line


def test_each_worker_starts_with_a_database_pool_of_its_own(app, monkeypatch):
    monkeypatch.setitem(sys.modules, "marketplace.wsgi", types.SimpleNamespace(app=app))
    with app.app_context():
        inherited = db.engine.pool

        gunicorn_conf.post_fork(server=None, worker=None)

        assert db.engine.pool is not inherited


@pytest.mark.parametrize("environment", [None, "development", "test"])
def test_the_production_entry_point_refuses_development_settings(monkeypatch, environment):
    if environment is None:
        monkeypatch.delenv("MARKETPLACE_ENV", raising=False)
    else:
        monkeypatch.setenv("MARKETPLACE_ENV", environment)

    with pytest.raises(ConfigError, match="MARKETPLACE_ENV must name a deployment"):
        runpy.run_module("marketplace.wsgi")
