"""The schema comes from migrations, which must run both ways and match the models."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db
from marketplace.search.models import described_by_models
from tests import factories


def _drift():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "render_as_batch": True,
                "include_object": described_by_models,
            },
        )
        return compare_metadata(context, db.metadata)


def test_migrations_match_the_models(app_context):
    assert _drift() == []


def test_migrations_downgrade_to_nothing_and_upgrade_again(app_context):
    downgrade(revision="base")
    tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert tables == set()

    upgrade()

    assert _drift() == []


def _insert_membership(person_id: int, organisation_id: int, role: str) -> None:
    """Straight to the database, past the services, to show what the schema itself refuses."""
    db.session.execute(
        sa.text(
            "INSERT INTO memberships (user_id, organisation_id, role, requested_at) "
            "VALUES (:u, :o, :role, CURRENT_TIMESTAMP)"
        ),
        {"u": person_id, "o": organisation_id, "role": role},
    )
    db.session.flush()


def test_the_database_enforces_one_open_role_per_person_and_organisation(app_context):
    person, trust = factories.create_user(), factories.create_organisation()
    _insert_membership(person.id, trust.id, "adopter")
    db.session.commit()

    with pytest.raises(sa.exc.IntegrityError):
        _insert_membership(person.id, trust.id, "adopter")
    db.session.rollback()


def test_the_database_refuses_roles_that_do_not_exist(app_context):
    person, trust = factories.create_user(), factories.create_organisation()

    with pytest.raises(sa.exc.IntegrityError):
        _insert_membership(person.id, trust.id, "emperor")
    db.session.rollback()
