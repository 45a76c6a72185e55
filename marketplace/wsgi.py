"""The app as a production server loads it: ``gunicorn --config python:marketplace.gunicorn_conf``
(which names ``marketplace.wsgi:app``).

A production server runs several processes, and development settings cannot: each process
would sign sessions with its own random key, so a sign-in would hold only on the worker that
made it. So this entry point refuses a development environment outright; ``make run`` is the
way to serve one.
"""

from __future__ import annotations

import os

from marketplace.app import create_app
from marketplace.config import ConfigError, is_development

if is_development(os.environ):
    raise ConfigError(
        "MARKETPLACE_ENV must name a deployment (production, staging…) to serve through "
        "marketplace.wsgi; `make run` serves development"
    )

app = create_app()
