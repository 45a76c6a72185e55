"""The schema comes from migrations, which must run both ways and match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from marketplace.extensions import db


def _drift():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
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


def test_the_database_enforces_one_open_role_per_person_and_organisation(app_context):
    from tests import factories

    person = factories.create_user()
    trust = factories.create_organisation()
    db.session.execute(
        sa.text(
            "INSERT INTO memberships (user_id, organisation_id, role, requested_at) "
            "VALUES (:u, :o, 'adopter', CURRENT_TIMESTAMP)"
        ),
        {"u": person.id, "o": trust.id},
    )
    db.session.commit()
    try:
        db.session.execute(
            sa.text(
                "INSERT INTO memberships (user_id, organisation_id, role, requested_at) "
                "VALUES (:u, :o, 'adopter', CURRENT_TIMESTAMP)"
            ),
            {"u": person.id, "o": trust.id},
        )
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
    else:
        raise AssertionError("a second open membership for the same role was stored")


def test_the_database_refuses_roles_that_do_not_exist(app_context):
    from tests import factories

    person = factories.create_user()
    trust = factories.create_organisation()
    try:
        db.session.execute(
            sa.text(
                "INSERT INTO memberships (user_id, organisation_id, role, requested_at) "
                "VALUES (:u, :o, 'emperor', CURRENT_TIMESTAMP)"
            ),
            {"u": person.id, "o": trust.id},
        )
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
    else:
        raise AssertionError("an unknown role was stored")
