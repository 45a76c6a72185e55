"""Glue between WTForms and the services' ``Invalid`` errors."""

from __future__ import annotations

from flask_wtf import FlaskForm

from marketplace.errors import Invalid


def show_errors(form: FlaskForm, error: Invalid) -> None:
    """Attach a service's field errors to the form fields of the same name."""
    for name, messages in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors or []) + list(messages)
        else:
            form.form_errors.append(" ".join(messages))


def form_version(form: FlaskForm) -> int | None:
    """The version a form was opened at (its hidden ``version`` field), for optimistic locking."""
    value = str(form.version.data or "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 10 else None


def has_errors(form: FlaskForm) -> bool:
    return bool(form.form_errors) or any(field.errors for field in form)
