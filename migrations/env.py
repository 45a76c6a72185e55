"""Alembic environment: runs migrations against the app's own engine and metadata.

Logging is left to the app (no fileConfig), so running migrations inside tests or the CLI does
not silence other loggers.
"""

from alembic import context
from flask import current_app

from marketplace.search.models import described_by_models

migrate_extension = current_app.extensions["migrate"]
metadata = migrate_extension.db.metadata


def _skip_empty_autogenerate(context_, revision, directives):
    """`marketplace db migrate` with no model changes writes no file."""
    if (
        getattr(context.config.cmd_opts, "autogenerate", False)
        and directives[0].upgrade_ops.is_empty()
    ):
        directives[:] = []


def run_offline() -> None:
    context.configure(
        url=migrate_extension.db.engine.url.render_as_string(hide_password=False),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        include_object=described_by_models,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    options = dict(migrate_extension.configure_args)
    options.setdefault("process_revision_directives", _skip_empty_autogenerate)
    options.setdefault("include_object", described_by_models)
    with migrate_extension.db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=metadata, **options)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
