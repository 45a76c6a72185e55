"""Log lines tied to the request they came from: JSON lines for machines, plain text in
development (``LOG_FORMAT``).

Every request carries an id: the caller's ``X-Request-ID`` when it is a short, safe token (so a
proxy's or a client's id follows the request through our logs), a fresh one otherwise. It is
echoed in the response, and every line logged while the request runs carries it, whichever
logger wrote the line: the filter sits on the handler, which every propagated record passes.
One access line per request (method, path, status, duration, address, user) is written by the
app, so the development server and gunicorn log requests alike.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask_login import current_user

REQUEST_ID_HEADER = "X-Request-ID"
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Fields that the access line (or any caller, through ``extra=``) adds to a JSON line.
EXTRA_FIELDS = ("method", "path", "status", "duration_ms", "remote_addr", "user_id")

access_log = logging.getLogger("marketplace.requests")


class RequestIdFilter(logging.Filter):
    """Stamps each record logged during a request with that request's id. Outside a request the
    record has none (the text format shows ``-``, JSON ``null``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context() and "request_id" in g:
            record.request_id = g.request_id
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line, the same keys on every line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "process": record.process,  # which worker: gunicorn runs several
        }
        entry |= {name: getattr(record, name) for name in EXTRA_FIELDS if hasattr(record, name)}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


def dict_config(log_format: str) -> dict:
    """Everything to standard output through one handler, as JSON or text. Gunicorn's
    configuration uses this too, so the server's lines and the app's share one format; its own
    access log stays off, because the app writes the access line."""
    formatter = (
        {"()": JsonFormatter}
        if log_format == "json"
        else {"()": logging.Formatter, "fmt": TEXT_FORMAT, "defaults": {"request_id": "-"}}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": formatter},
        "filters": {"request_id": {"()": RequestIdFilter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "line",
                "filters": ["request_id"],
            }
        },
        "root": {"level": "INFO", "handlers": ["stdout"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
            # Alembic announces each of its plugins as it is imported: noise on every start.
            "alembic.runtime.plugins": {"level": "WARNING"},
        },
    }


def init_app(app: Flask) -> None:
    """Configure logging unless the host already has (gunicorn, through the same
    ``dict_config``; a test runner), then give every request its id and access line."""
    if not logging.getLogger().handlers:
        logging.config.dictConfig(dict_config(app.config["LOG_FORMAT"]))
    app.before_request(_begin_request)
    app.after_request(_end_request)


def request_id_from(header: str | None) -> str:
    """The caller's id when it is safe to copy into logs and headers; a fresh one otherwise."""
    if header and SAFE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def _begin_request() -> None:
    g.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
    g.request_started = time.perf_counter()


def _end_request(response):
    if "request_id" not in g:  # a failure before our first step still gets an id
        _begin_request()
    response.headers[REQUEST_ID_HEADER] = g.request_id
    duration_ms = round((time.perf_counter() - g.request_started) * 1000, 1)
    # The id alone: Flask-Login's get_id() carries the session token, which logs must not.
    user_id = current_user.id if current_user.is_authenticated else None
    access_log.info(
        "%s %s %s %.1fms user=%s",
        request.method,
        request.path,
        response.status_code,
        duration_ms,
        user_id,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
            "remote_addr": request.remote_addr,
            "user_id": user_id,
        },
    )
    return response
