"""How values read on pages: UK local time, plain labels."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from marketplace.db import UK


def uk_datetime(value: datetime | None, empty: str = "Never") -> str:
    """'23 November 2026 at 2:05pm' in UK local time (GMT or BST as it falls)."""
    if value is None:
        return empty
    local = value.astimezone(UK)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace(
        "PM", "pm"
    )


def pairs(items, value: str, label: str) -> list[tuple]:
    """(value, label) pairs from objects, for select and radio options in templates."""
    return [(getattr(item, value), getattr(item, label)) for item in items]


def dict_without(mapping, *keys: str) -> dict:
    """A plain dict of the mapping's (first) values, less some keys: query arguments carried
    into a link that sets some of them afresh."""
    return {key: value for key, value in mapping.items() if key not in keys}


def init_app(app: Flask) -> None:
    app.add_template_filter(uk_datetime, "uk_datetime")
    app.add_template_filter(pairs, "pairs")
    app.add_template_filter(dict_without, "dict_without")
