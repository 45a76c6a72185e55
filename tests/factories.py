"""Plain factory functions that go through the services, committing as an edge would."""

from __future__ import annotations

import itertools

from marketplace.accounts import services
from marketplace.accounts.models import Organisation, OrganisationKind, Role, User
from marketplace.extensions import db

PASSWORD = "copper-kettle-orchard-97"
_sequence = itertools.count(1)


def create_organisation(
    *, approved: bool = True, kind: OrganisationKind = OrganisationKind.NHS_TRUST, **overrides
) -> Organisation:
    n = next(_sequence)
    details = services.NewOrganisation(
        name=overrides.pop("name", f"Test Organisation {n}"),
        kind=kind.value,
        ods_code=overrides.pop("ods_code", f"T{n:04d}" if kind.needs_ods_code else None),
        companies_house_number=overrides.pop(
            "companies_house_number", f"{n:08d}" if kind.needs_companies_house_number else None
        ),
    )
    if approved:
        organisation = services.add_organisation(db.session, None, details)
    else:
        proposer = create_user()
        organisation = services.propose_organisation(
            db.session, proposer, details, Role.INNOVATOR.value
        )
    db.session.commit()
    return organisation


def create_user(
    *, role: Role | None = None, organisation: Organisation | None = None, **overrides
) -> User:
    n = next(_sequence)
    user = services.create_user(
        db.session,
        None,
        email=overrides.pop("email", f"person{n}@example.org"),
        name=overrides.pop("name", f"Test Person {n}"),
        password=overrides.pop("password", PASSWORD),
    )
    if role is not None:
        organisation = organisation or create_organisation()
        services.grant_role(db.session, None, user, organisation, role)
    db.session.commit()
    return user


def create_token(user: User, name: str = "test token", days: int | None = 30) -> str:
    _token, secret = services.create_api_token(db.session, user, name, days)
    db.session.commit()
    return secret


def utcnow():
    from marketplace.db import utcnow as now

    return now()


def count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def request_role(user: User, organisation: Organisation, role: Role):
    membership = services.request_membership(db.session, user, organisation.id, role.value)
    db.session.commit()
    return membership


def sign_in_as(app, email: str, password: str = PASSWORD):
    """A fresh test client signed in through the real sign-in form."""
    from tests.conftest import sign_in

    return sign_in(app.test_client(), email, password)
