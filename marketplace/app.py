"""The application factory: config → extensions → blueprints → error handlers → CLI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, g
from jinja2 import ChainableUndefined, ChoiceLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from marketplace import access, cli, errors, formatting, logs, security
from marketplace.config import INSTANCE_DIR, PROJECT_ROOT, from_environment
from marketplace.extensions import api, csrf, db, limiter, migrate
from marketplace.matches.embedding import embedder_for

MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build an app from the environment, with ``config`` overriding any setting."""
    app = Flask(__name__, instance_path=str(INSTANCE_DIR))
    app.config.update(from_environment())
    app.config.update(config or {})
    INSTANCE_DIR.mkdir(exist_ok=True)
    embedder_for(app.config)  # a missing MATCHING_MODEL stops start-up, naming the setting
    logs.init_app(app)  # first, so every later step of a request logs with its id
    _configure_templates(app)
    _init_extensions(app)
    _register_blueprints(app)
    errors.register(app)  # after flask-smorest, whose HTTPException handler it replaces
    formatting.init_app(app)
    cli.register(app)
    app.teardown_request(_forget_request_globals)
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


# Per-request values that Flask-Login, Flask-WTF and our CSP keep on ``g``.
REQUEST_GLOBALS = ("_login_user", "csrf_token", "csp_nonce", "request_id", "request_started")


def _forget_request_globals(_error=None) -> None:
    """``g`` lives as long as the app context; requests made inside one longer app context
    (tests, scripts) must not inherit the previous request's user, CSRF token or nonce."""
    for name in REQUEST_GLOBALS:
        g.pop(name, None)


def _configure_templates(app: Flask) -> None:
    """Our templates first, then the NHS.UK components from nhsuk-frontend-jinja."""
    app.jinja_env.loader = ChoiceLoader(
        [app.jinja_env.loader, PackageLoader("nhsuk_frontend_jinja", "templates")]
    )
    app.jinja_env.undefined = ChainableUndefined
    app.jinja_env.autoescape = True  # the .jinja component templates too


def _init_extensions(app: Flask) -> None:
    from marketplace.accounts import services as account_services

    account_services.settings["password_profile"] = app.config["PASSWORD_HASH_PROFILE"]
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    security.init_app(app)  # first: malformed requests are refused before anything else
    access.init_app(app)  # before CSRF, so anonymous posts are sent to sign in first
    csrf.init_app(app)
    limiter.init_app(app)
    api.init_app(
        app,
        spec_kwargs={
            "info": {"description": "Accounts and organisations of the innovation marketplace."},
        },
    )
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "Personal access token"}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]
    _import_models()


def _import_models() -> None:
    """Every model module, so that migrations and relationships see the whole schema."""
    import challenges.fellowship.models
    import challenges.models  # noqa: F401
    import marketplace.accounts.models
    import marketplace.audit
    import marketplace.impact.models
    import marketplace.matches.models
    import marketplace.notifications.models
    import marketplace.search.models
    import marketplace.solutions.models  # noqa: F401
    import procurement.dps.models
    import procurement.testbeds.models  # noqa: F401

    _register_search_sources()


def _register_search_sources() -> None:
    """What each context's records offer to full-text search (see ``marketplace.search``)."""
    import challenges.search  # noqa: F401
    import marketplace.accounts.search
    import marketplace.solutions.search  # noqa: F401
    import procurement.testbeds.search  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from challenges import api as challenges_api
    from challenges import views as challenge_views
    from challenges.fellowship import api as fellowship_api
    from challenges.fellowship import (
        fellow_api,
        fellow_views,
        response_panel_api,
        response_panel_views,
    )
    from challenges.fellowship import views as fellowship_views
    from marketplace import api_docs, pages, readiness
    from marketplace.accounts import admin_views
    from marketplace.accounts import api as accounts_api
    from marketplace.accounts import views as accounts_views
    from marketplace.impact import api as impact_api
    from marketplace.impact import funding_views
    from marketplace.impact import views as impact_views
    from marketplace.matches import api as matches_api
    from marketplace.matches import views as match_views
    from marketplace.notifications import api as notifications_api
    from marketplace.notifications import views as notification_views
    from marketplace.solutions import adoption_views, catalogue_views
    from marketplace.solutions import api as solutions_api
    from marketplace.solutions import views as solution_views
    from procurement.dps import api as dps_api
    from procurement.dps import call_off_views
    from procurement.dps import views as dps_views
    from procurement.testbeds import api as testbeds_api
    from procurement.testbeds import views as testbed_views

    app.register_blueprint(pages.bp)
    app.register_blueprint(readiness.bp)
    app.register_blueprint(challenge_views.bp)
    app.register_blueprint(fellowship_views.bp)
    app.register_blueprint(fellow_views.bp)
    app.register_blueprint(response_panel_views.bp)
    app.register_blueprint(solution_views.bp)
    app.register_blueprint(catalogue_views.bp)
    app.register_blueprint(adoption_views.bp)
    app.register_blueprint(accounts_views.bp)
    app.register_blueprint(admin_views.bp)
    app.register_blueprint(match_views.bp)
    app.register_blueprint(notification_views.bp)
    app.register_blueprint(impact_views.bp)
    app.register_blueprint(funding_views.bp)
    app.register_blueprint(testbed_views.bp)
    app.register_blueprint(dps_views.bp)
    app.register_blueprint(call_off_views.bp)
    app.register_blueprint(api_docs.bp)
    for blueprint in (
        accounts_api.blueprints
        + challenges_api.blueprints
        + fellowship_api.blueprints
        + fellow_api.blueprints
        + response_panel_api.blueprints
        + solutions_api.blueprints
        + matches_api.blueprints
        + notifications_api.blueprints
        + testbeds_api.blueprints
        + dps_api.blueprints
        + impact_api.blueprints
    ):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.context_processor(pages.template_globals)
