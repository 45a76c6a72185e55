"""The marketplace command line."""

from __future__ import annotations

from challenges.models import Challenge
from marketplace import demo
from marketplace.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from marketplace.db import uk_today
from marketplace.solutions.models import Solution
from tests import factories


def test_seed_demo_loads_a_partnership_with_every_role(app, session):
    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    assert "Demo sign-ins" in result.output
    kinds = [o.kind for o in session.scalars(session.query(Organisation).statement)]
    assert kinds.count(OrganisationKind.NHS_TRUST) == 3
    assert kinds.count(OrganisationKind.ICB) == 1
    assert kinds.count(OrganisationKind.LOCAL_AUTHORITY) == 1
    assert kinds.count(OrganisationKind.SME) >= 6
    assert kinds.count(OrganisationKind.ACADEMIC) == 1
    granted = {m.role for m in session.scalars(session.query(Membership).statement) if m.is_active}
    assert granted == set(Role)
    challenges = session.scalars(session.query(Challenge).statement).all()
    assert len(challenges) >= 25
    assert {"open", "submitted", "draft", "closed"} <= {c.status for c in challenges}
    assert len({t.name for c in challenges for t in c.themes}) == 13
    solutions = session.scalars(session.query(Solution).statement).all()
    assert len(solutions) >= 60
    assert {s.maturity.value for s in solutions} == {
        "idea",
        "prototype",
        "piloted",
        "evidence",
        "market_ready",
    }
    assert all(s.status == "published" for s in solutions)


def test_demo_users_can_sign_in_with_the_printed_password(app, session):
    app.test_cli_runner().invoke(args=["seed-demo"])

    factories.sign_in_as(app, demo.DEMO_USERS[0].email, demo.DEMO_PASSWORD)


def test_seed_demo_if_empty_leaves_existing_data_alone(app, session):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    users = factories.count(User)

    again = runner.invoke(args=["seed-demo", "--if-empty"])
    refused = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0
    assert "already has data" in again.output
    assert refused.exit_code != 0
    assert factories.count(User) == users


def test_create_user_bootstraps_the_innovation_team(app, session):
    trust = factories.create_organisation(name="Home Trust")

    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "lead@example.nhs.uk",
            "--name",
            "Lead Person",
            "--organisation",
            "Home Trust",
            "--role",
            "innovation_team",
            "--password",
            factories.PASSWORD,
        ]
    )

    assert result.exit_code == 0, result.output
    user = session.scalar(session.query(User).filter_by(email="lead@example.nhs.uk").statement)
    assert user.has_role(Role.INNOVATION_TEAM, trust.id)


def test_create_user_explains_refusals_and_stores_nothing(app, session):
    factories.create_organisation(name="Home Trust")

    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "--email",
            "bad",
            "--name",
            "<b>",
            "--organisation",
            "Home Trust",
            "--role",
            "adopter",
            "--password",
            "short",
        ]
    )

    assert result.exit_code != 0
    assert "Enter an email address in the correct format" in result.output
    assert "at least 12 characters" in result.output
    assert factories.count(User) == 0


def test_add_organisation(app, session):
    result = app.test_cli_runner().invoke(
        args=[
            "add-organisation",
            "--name",
            "Seaside Trust",
            "--kind",
            "nhs_trust",
            "--ods-code",
            "ab1",
        ]
    )

    assert result.exit_code == 0, result.output
    organisation = session.scalar(
        session.query(Organisation).filter_by(name="Seaside Trust").statement
    )
    assert (organisation.ods_code, organisation.status) == ("AB1", "approved")


def test_set_password_ends_sessions_and_allows_the_new_password(app, session):
    person = factories.create_user(email="locked@example.org")
    old_session = factories.sign_in_as(app, person.email)

    result = app.test_cli_runner().invoke(
        args=[
            "set-password",
            "--email",
            "Locked@example.org",
            "--password",
            "lantern-quarry-basil-55",
        ]
    )

    assert result.exit_code == 0, result.output
    assert old_session.get("/account").status_code == 302
    factories.sign_in_as(app, person.email, "lantern-quarry-basil-55")


def test_set_password_refuses_a_weak_one(app, session):
    person = factories.create_user(email="locked@example.org")
    before = session.get(User, person.id).password_hash

    result = app.test_cli_runner().invoke(
        args=["set-password", "--email", "locked@example.org", "--password", "password"]
    )

    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    session.expire_all()
    assert session.get(User, person.id).password_hash == before


def test_demo_step_count_matches_the_steps(app, session):
    assert sum(1 for _ in demo.steps(session)) == demo.step_count()


def test_the_demo_has_a_past_and_a_current_cohort_with_fellows_and_funding(app, session):

    from challenges.fellowship.models import Cohort, Fellow, FellowshipApplication, Review
    from marketplace.impact.models import FundingRecord

    result = app.test_cli_runner().invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    past, current = session.scalars(session.query(Cohort).order_by(Cohort.year).statement).all()
    today = uk_today()
    assert past.closes_on < today <= current.closes_on and past.year < current.year
    past_fellows = session.scalars(session.query(Fellow).filter_by(cohort_id=past.id).statement)
    assert {f.status.value for f in past_fellows} == {"completed", "withdrawn"}
    second_year = session.scalars(
        session.query(Fellow).filter_by(cohort_id=current.id, year_of_fellowship=2).statement
    ).one()
    assert second_year.continues_from.cohort_id == past.id and second_year.mentor is not None
    assert any(m.overdue(today) for m in second_year.milestones)
    past_fellows = session.scalars(session.query(Fellow).filter_by(cohort_id=past.id).statement)
    assert any(f.solution and f.solution.status == "published" for f in past_fellows)
    decided = session.scalars(
        session.query(FellowshipApplication).filter_by(cohort_id=past.id).statement
    ).all()
    assert all(a.outcome and a.outcome_reasons for a in decided)
    assert {a.outcome.value for a in decided} == {"accepted", "declined"}
    waiting = session.scalars(
        session.query(Review).filter(Review.submitted_at.is_(None)).statement
    ).all()
    assert any(r.reviewer.email == demo.DEMO_USERS[-1].email for r in waiting)  # patient member
    assert factories.count(FundingRecord) >= 5

    team = factories.sign_in_as(app, demo.DEMO_USERS[0].email, demo.DEMO_PASSWORD)
    page = team.get("/impact")
    listed = team.get("/impact/funding")
    assert page.status_code == 200
    assert f"{past.title}</th><td>6</td><td>4</td><td>2</td>" in page.text
    assert "Inward investment and funding by year received" in page.text
    assert "1,200,000" in page.text  # the largest investment, in the funding figures
    assert listed.status_code == 200 and "Millbrook Angel Syndicate" in listed.text
