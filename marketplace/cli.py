"""The ``marketplace`` command: Flask's CLI bound to create_app, plus our own commands.

Commands are thin: they open the unit of work, call services, commit, and report.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from tqdm import tqdm

from marketplace import demo
from marketplace.accounts import services
from marketplace.accounts.models import Organisation, Role, User
from marketplace.errors import DomainError
from marketplace.extensions import db


def _create_app():
    """The same app, and so the same start-up checks, as the web server's; a setting they
    refuse is reported as a command error naming it, not as a traceback."""
    from marketplace.app import create_app
    from marketplace.config import ConfigError

    try:
        return create_app()
    except ConfigError as error:
        raise click.ClickException(str(error)) from None


@click.group(cls=FlaskGroup, create_app=_create_app)
def main() -> None:
    """Manage the innovation marketplace."""


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has users.")
@with_appcontext
def seed_demo(if_empty: bool) -> None:
    """Load a demo health and care partnership: organisations and users of every role."""
    if demo.has_data(db.session):
        if if_empty:
            click.echo("The database already has data; demo data not loaded.")
            _print_sign_ins()
            return
        raise click.ClickException("The database already has data; seed-demo needs an empty one.")
    with tqdm(total=demo.step_count(), desc="Loading demo data", unit="item") as progress:
        for _ in demo.steps(db.session):
            progress.update()
    db.session.commit()
    _print_sign_ins()


def _print_sign_ins() -> None:
    click.echo(f"\nDemo sign-ins (password for all: {demo.DEMO_PASSWORD})")
    for role, email, organisation in demo.sign_ins():
        click.echo(f"  {role:<34} {email:<46} {organisation}")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--organisation", "organisation_name", required=True, help="Name of an existing organisation."
)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.password_option()
@with_appcontext
def create_user(email: str, name: str, organisation_name: str, role: str, password: str) -> None:
    """Create an account with a granted role, for example the first innovation team member."""
    organisation = db.session.scalar(
        db.select(Organisation).where(Organisation.name == organisation_name)
    )
    if organisation is None:
        raise click.ClickException(f"No organisation called {organisation_name!r}")
    try:
        user = services.create_user(db.session, None, email=email, name=name, password=password)
        services.grant_role(db.session, None, user, organisation, Role(role))
    except DomainError as error:
        raise _failed(error) from None
    db.session.commit()
    click.echo(f"Created {email} as {Role(role).label} for {organisation.name}")


@click.command("set-password")
@click.option("--email", required=True)
@click.password_option()
@with_appcontext
def set_password(email: str, password: str) -> None:
    """Set a new password for someone locked out; every session of theirs ends."""
    user = db.session.scalar(db.select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No account with the email address {email!r}")
    try:
        services.set_password(db.session, None, user, password)
    except DomainError as error:
        raise _failed(error) from None
    db.session.commit()
    click.echo(f"Password set for {user.email}; their other sessions have ended")


@click.command("add-organisation")
@click.option("--name", required=True)
@click.option(
    "--kind", type=click.Choice([k.value for k in services.OrganisationKind]), required=True
)
@click.option("--ods-code")
@click.option("--companies-house-number")
@with_appcontext
def add_organisation(
    name: str, kind: str, ods_code: str | None, companies_house_number: str | None
) -> None:
    """Add an approved organisation (for setting up a new installation)."""
    details = services.NewOrganisation(name, kind, ods_code, companies_house_number)
    try:
        organisation = services.add_organisation(db.session, None, details)
    except DomainError as error:
        raise _failed(error) from None
    db.session.commit()
    click.echo(f"Added {organisation.name} (id {organisation.id})")


def _failed(error: DomainError) -> click.ClickException:
    """Roll back and turn a service's refusal into a message on the terminal."""
    db.session.rollback()
    details = "; ".join(m for messages in error.fields.values() for m in messages)
    return click.ClickException(details or error.message)


def register(app: Flask) -> None:
    from marketplace.matches.cli import matching
    from marketplace.search.cli import search

    for command in (seed_demo, create_user, set_password, add_organisation, matching, search):
        app.cli.add_command(command)
