"""Settings read from the environment.

Development runs with no environment at all (a SQLite file under ``instance/`` and a throw-away
secret key). Anywhere else (``MARKETPLACE_ENV`` not development or test) start-up refuses what is
unsafe with several processes: no ``SECRET_KEY`` (a guessable key lets anyone forge a session),
rate limits without Redis (each process would count on its own), and SQLite (one file shared by
every process). The last two may be allowed explicitly, for a single-process installation.
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


def whole_number(env: Mapping[str, str], name: str, default: str) -> int:
    """A setting that must be a whole number of at least 1; anything else stops start-up with
    its name rather than failing later, deep in a request."""
    text = env.get(name, default).strip()
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in {"1", "true", "yes"}


def _default_database_url() -> str:
    return f"sqlite:///{INSTANCE_DIR / 'marketplace.sqlite3'}"


# Every rate limit the app declares (``limiter.limit``), by the setting that sizes it.
RATE_LIMITS = {
    "SIGN_IN_RATE_LIMIT": "failed sign-ins per address and email",
    "SIGN_IN_ADDRESS_RATE_LIMIT": "failed sign-ins per address",
    "REGISTER_RATE_LIMIT": "registrations per address",
}
DEVELOPMENT_ENVIRONMENTS = {"development", "test"}
LOG_FORMATS = ("json", "text")


def is_development(env: Mapping[str, str]) -> bool:
    return env.get("MARKETPLACE_ENV", "development") in DEVELOPMENT_ENVIRONMENTS


def log_format(env: Mapping[str, str]) -> str:
    """``LOG_FORMAT``: JSON lines for machines outside development, plain text in it. Read here
    and by the gunicorn configuration, so the server's own lines match the app's."""
    chosen = env.get("LOG_FORMAT") or ("text" if is_development(env) else "json")
    if chosen not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be json or text, not {chosen!r}")
    return chosen


def _refusals(env: Mapping[str, str], database_url: str) -> list[str]:
    """What makes this environment unsafe to run as a deployment, one line per setting."""
    refusals = []
    if not env.get("SECRET_KEY"):
        refusals.append("SECRET_KEY must be set when MARKETPLACE_ENV is not development")
    if not env.get("REDIS_URL") and not _flag(env, "RATE_LIMITS_PER_PROCESS"):
        limits = ", ".join(f"{name} ({what})" for name, what in RATE_LIMITS.items())
        refusals.append(
            f"REDIS_URL is not set, so every process would keep its own count for {limits}: "
            "set REDIS_URL, or RATE_LIMITS_PER_PROCESS=1 to accept that with one process"
        )
    if database_url.startswith("sqlite") and not _flag(env, "ALLOW_SQLITE"):
        where = "is SQLite" if env.get("DATABASE_URL") else "is not set (SQLite by default)"
        refusals.append(
            f"DATABASE_URL {where}: set it to a PostgreSQL database, or ALLOW_SQLITE=1 to "
            "accept one file shared by every process"
        )
    return refusals


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Build the Flask config mapping from environment variables."""
    env = os.environ if environ is None else environ
    environment = env.get("MARKETPLACE_ENV", "development")
    database_url = env.get("DATABASE_URL") or _default_database_url()
    if not is_development(env) and (refusals := _refusals(env, database_url)):
        raise ConfigError("\n".join(refusals))
    redis_url = env.get("REDIS_URL") or None
    return {
        "ENV_NAME": environment,
        "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_hex(32),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
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
        "MATCHING_SNAPSHOT_EVERY": whole_number(env, "MATCHING_SNAPSHOT_EVERY", "1000"),
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
        "SIGN_IN_ADDRESS_RATE_LIMIT": env.get("SIGN_IN_ADDRESS_RATE_LIMIT", "30 per minute"),
        "REGISTER_RATE_LIMIT": env.get("REGISTER_RATE_LIMIT", "10 per hour"),
        "LOG_FORMAT": log_format(env),
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
