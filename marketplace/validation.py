"""Checks shared by every service that accepts text from people.

Rules live here once; forms and API schemas only check presence and type, then hand the values to
a service, which raises ``Invalid`` naming every field that breaks a rule.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from email_validator import EmailNotValidError, validate_email

from marketplace.errors import Invalid

_MARKUP = re.compile(r"[<>]")
# A tag, a comment or a doctype: "<script", "</p", "<!--". A lone "<" as in "< 18 weeks" is fine.
_HTML_TAG = re.compile(r"<\s*[a-zA-Z!/?]")


class FieldErrors:
    """Collects messages per field so one submission reports every problem at once."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def raise_if_any(self) -> None:
        if self.errors:
            raise Invalid(self.errors)


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in "\n\r\t" for ch in value)


def clean_line(
    errors: FieldErrors,
    field: str,
    value: str | None,
    *,
    label: str,
    max_length: int,
    required: bool = True,
) -> str | None:
    """A single line of plain text such as a name: trimmed, bounded, no markup or control codes."""
    value = (value or "").strip()
    if not value:
        if required:
            errors.add(field, f"Enter {label}")
        return None
    if len(value) > max_length:
        errors.add(field, f"{label.capitalize()} must be {max_length} characters or fewer")
    elif _MARKUP.search(value) or has_control_characters(value) or "\n" in value:
        errors.add(field, f"{label.capitalize()} must not contain < or > or line breaks")
    return value


def clean_text(
    errors: FieldErrors,
    field: str,
    value: str | None,
    *,
    label: str,
    max_length: int,
    required: bool = False,
) -> str | None:
    """Plain text over several lines, such as a need or its evidence.

    Stored as typed and escaped when shown; HTML is refused rather than silently kept, so what
    people read is what the author meant.
    """
    value = (value or "").replace("\r\n", "\n").strip()
    if not value:
        if required:
            errors.add(field, f"Enter {label}")
        return None
    if len(value) > max_length:
        errors.add(field, f"{label.capitalize()} must be {max_length:,} characters or fewer")
    elif _HTML_TAG.search(value):
        errors.add(field, f"{label.capitalize()} must be plain text: remove the HTML tags")
    elif has_control_characters(value):
        errors.add(field, f"{label.capitalize()} must not contain control characters")
    return value


def clean_choice(
    errors: FieldErrors,
    field: str,
    value,
    enum_cls,
    message: str = "Choose an answer from the list",
):
    """One of an enum's values, or None when left empty; anything else is a field error."""
    if value in (None, ""):
        return None
    try:
        return enum_cls(value)
    except ValueError:
        errors.add(field, message)
        return None


def clean_email(errors: FieldErrors, field: str, value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        errors.add(field, "Enter your email address")
        return None
    if len(value) > 254:
        errors.add(field, "Email address must be 254 characters or fewer")
        return None
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        errors.add(field, "Enter an email address in the correct format, like name@example.nhs.uk")
        return None
    return result.normalized.lower()


def clean_date(
    errors: FieldErrors,
    field: str,
    value,
    *,
    label: str,
    earliest_year: int = 2000,
    latest_year: int | None = 2100,
    not_after: date | None = None,
) -> date | None:
    """A calendar date, given as a ``date`` or ``YYYY-MM-DD``, within the years that make sense
    for it; ``not_after`` (today, say) refuses the future."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date) or isinstance(value, datetime):
        errors.add(field, f"Enter {label} as a real date")
        return None
    if latest_year is not None and not earliest_year <= value.year <= latest_year:
        errors.add(field, f"Enter {label} between the years {earliest_year} and {latest_year}")
    elif value.year < earliest_year:
        errors.add(field, f"{label.capitalize()} must be in {earliest_year} or later")
    elif not_after is not None and value > not_after:
        errors.add(field, f"{label.capitalize()} must be today or in the past")
    else:
        return value
    return None
