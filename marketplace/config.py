"""Settings read from the environment.

Development runs with no environment at all (a SQLite file under ``instance/`` and a throw-away
secret key). Anywhere else a missing ``SECRET_KEY`` is a start-up error, because a guessable key
lets anyone forge a session.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = PROJECT_ROOT / "instance"


class ConfigError(RuntimeError):
    """The environment does not describe a safe, runnable configuration."""


def _whole_number(env: Mapping[str, str], name: str, default: str) -> int:
    """A setting that must be a whole number of at least 1; anything else stops start-up with
    its name rather than failing later, deep in a request."""
    text = env.get(name, default).strip()
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'marketplace.sqlite3'}"


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if environ is None else environ
    environment = env.get("MARKETPLACE_ENV", "development")
    secret_key = env.get("SECRET_KEY")
    if not secret_key:
        if environment not in {"development", "test"}:
            raise ConfigError("SECRET_KEY must be set when MARKETPLACE_ENV is not development")
        secret_key = secrets.token_hex(32)
    redis_url = env.get("REDIS_URL") or None
    return {
        "ENV_NAME": environment,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env.get("DATABASE_URL") or _default_database_url()
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "MATCHING_MODEL": env.get("MATCHING_MODEL") or None,
        # "sentence-transformers" (the real model) or "hashing" (a word-hashing stand-in that
        # needs no model: for tests only, it matches far worse).
        "MATCHING_EMBEDDER": env.get("MATCHING_EMBEDDER", "sentence-transformers"),
        # Encode on submission through an RQ queue (run `marketplace matching worker`) when
        # Redis is configured; inline in the request otherwise.
        "MATCHING_QUEUE": env.get("MATCHING_QUEUE", "matching") if redis_url else None,
        # Where the matching index's snapshots are kept, shared by the processes of a machine.
        "MATCHING_INDEX_DIR": env.get("MATCHING_INDEX_DIR") or str(INSTANCE_DIR / "matching"),
        # A process saves a fresh snapshot after applying this many changed documents.
        "MATCHING_SNAPSHOT_EVERY": _whole_number(env, "MATCHING_SNAPSHOT_EVERY", "1000"),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "SESSION_COOKIE_SECURE": environment not in {"development", "test"},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": environment not in {"development", "test"},
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "PARTNERSHIP_NAME": env.get("PARTNERSHIP_NAME", "Health and care innovation partnership"),
        # How many reverse proxies stand in front of the app (0: none). Rate limits and logs
        # need the client's address, which a proxy passes in X-Forwarded-For.
        "PROXY_HOPS": int(env.get("PROXY_HOPS", "0")),
        "PASSWORD_HASH_PROFILE": "production",
        "SIGN_IN_RATE_LIMIT": env.get("SIGN_IN_RATE_LIMIT", "5 per minute"),
        "REGISTER_RATE_LIMIT": env.get("REGISTER_RATE_LIMIT", "10 per hour"),
        "API_TITLE": "Innovation marketplace API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the URL uses."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
