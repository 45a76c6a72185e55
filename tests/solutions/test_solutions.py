"""Solutions: sections saved as drafts, publishing, visibility, and hostile input."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.accounts.models import OrganisationKind, Role
from marketplace.db import uk_today
from marketplace.errors import Conflict, Forbidden, Invalid, NotFound
from marketplace.solutions import services
from marketplace.solutions.models import Solution
from tests import factories
from tests.conftest import post_form


@pytest.fixture
def innovator(app_context):
    company = factories.create_organisation(kind=OrganisationKind.SME)
    return factories.create_user(
        role=Role.INNOVATOR, organisation=company, email="maker@example.org"
    )


def test_a_solution_is_built_section_by_section_then_published(session, innovator):
    solution = factories.create_solution(innovator, status="draft")
    assert services.missing_parts(solution)

    for name, values in factories.COMPLETE_SOLUTION.items():
        services.save_section(session, innovator, solution.id, name, values)
    services.save_section(
        session,
        innovator,
        solution.id,
        "maturity",
        {**factories.COMPLETE_SOLUTION["maturity"], "theme_ids": factories.theme_ids("Frailty")},
    )
    services.publish_solution(session, innovator, solution.id)

    assert solution.status == "published"
    assert solution.is_listed_publicly
    assert [t.name for t in solution.themes] == ["Frailty"]


def test_publishing_an_incomplete_solution_names_every_missing_part(session, innovator):
    solution = factories.create_solution(innovator, status="draft")

    with pytest.raises(Invalid) as refused:
        services.publish_solution(session, innovator, solution.id)

    assert {
        "summary",
        "description",
        "maturity",
        "theme_ids",
        "care_settings",
        "dtac_status",
        "pricing_model",
        "contact_email",
    } <= set(refused.value.fields)
    assert solution.status == "draft"


def test_claiming_piloted_needs_evidence(session, innovator):
    solution = factories.create_solution(innovator, status="complete")
    services.save_section(
        session,
        innovator,
        solution.id,
        "maturity",
        {
            **factories.COMPLETE_SOLUTION["maturity"],
            "evidence": "",
            "maturity": "piloted",
            "theme_ids": factories.theme_ids("Frailty"),
        },
    )

    assert "evidence" in services.missing_parts(solution)
    services.save_section(
        session,
        innovator,
        solution.id,
        "maturity",
        {
            **factories.COMPLETE_SOLUTION["maturity"],
            "evidence": "",
            "maturity": "idea",
            "theme_ids": factories.theme_ids("Frailty"),
        },
    )
    assert "evidence" not in services.missing_parts(solution)


def test_a_published_solution_must_stay_complete(session, innovator):
    solution = factories.create_solution(innovator)

    with pytest.raises(Invalid, match="must stay complete"):
        services.save_section(
            session,
            innovator,
            solution.id,
            "commercial",
            {"pricing_model": "", "contact_name": "", "contact_email": ""},
        )


def test_only_its_own_organisation_may_change_it(session, innovator):
    solution = factories.create_solution(innovator)
    rival = factories.create_user(
        role=Role.INNOVATOR, organisation=factories.create_organisation(kind=OrganisationKind.SME)
    )
    draft = factories.create_solution(innovator, status="draft", title="Secret idea")

    with pytest.raises(Forbidden):
        services.save_section(session, rival, solution.id, "overview", {"title": "Hijacked"})
    with pytest.raises(NotFound):
        services.save_section(session, rival, draft.id, "overview", {"title": "Hijacked"})


def test_recording_for_an_organisation_you_do_not_belong_to_is_refused(session, innovator):
    other = factories.create_organisation(kind=OrganisationKind.SME)

    with pytest.raises(Invalid) as refused:
        services.create_solution(session, innovator, other.id, "Something")

    assert "organisation_id" in refused.value.fields
    assert factories.count(Solution) == 0


def test_stale_section_saves_are_conflicts(session, innovator):
    solution = factories.create_solution(innovator, status="draft")
    opened = solution.version
    services.save_section(session, innovator, solution.id, "overview", {"title": "One"}, opened)
    session.commit()

    with pytest.raises(Conflict):
        services.save_section(session, innovator, solution.id, "overview", {"title": "Two"}, opened)


@pytest.mark.parametrize(
    ("section", "data", "field", "message"),
    [
        ("overview", {"title": ""}, "title", "Enter a title"),
        ("overview", {"title": "x", "summary": "s" * 301}, "summary", "300 characters"),
        (
            "overview",
            {"title": "x", "description": "<script>x</script>"},
            "description",
            "plain text",
        ),
        ("maturity", {"maturity": "galactic"}, "maturity", "from the list"),
        ("maturity", {"care_settings": ["moon"]}, "care_settings", "from the list"),
        ("maturity", {"theme_ids": [123456]}, "theme_ids", "from the list"),
        (
            "assurance",
            {
                "dspt_date": uk_today() - timedelta(days=10),
                "dspt_expiry": uk_today() - timedelta(days=20),
            },
            "dspt_expiry",
            "must be after",
        ),
        (
            "assurance",
            {"dtac_date": uk_today() + timedelta(days=5)},
            "dtac_date",
            "cannot be in the future",
        ),
        ("assurance", {"device_class": "class_iv"}, "device_class", "from the list"),
        ("commercial", {"contact_email": "not-an-email"}, "contact_email", "correct format"),
    ],
)
def test_bad_section_input_is_refused_and_nothing_changes(
    session, innovator, section, data, field, message
):
    solution = factories.create_solution(innovator, status="draft")
    before = solution.version

    with pytest.raises(Invalid) as refused:
        services.save_section(session, innovator, solution.id, section, data)

    assert any(message in m for m in refused.value.fields[field])
    session.rollback()
    assert session.get(Solution, solution.id).version == before


# --- pages --------------------------------------------------------------------------------


@pytest.fixture
def browser(app, innovator):
    return factories.sign_in_as(app, innovator.email)


def test_pages_take_a_solution_from_draft_to_published(browser, session):
    started = post_form(browser, "/solutions/new", {"title": "Ward rota helper"})
    solution = session.scalars(session.query(Solution).statement).one()
    url = f"/solutions/{solution.id}"
    assert started.status_code == 302

    refused = post_form(browser, f"{url}/publish", {}, form_page=url)
    assert refused.status_code == 422
    assert "This solution is not ready to publish" in refused.text

    post_form(
        browser,
        f"{url}/sections/overview",
        {
            "title": "Ward rota helper",
            "summary": "Fills short-notice gaps from the bank.",
            "description": "Bank staff get shift offers on their phones.",
            "audience": "Ward managers and bank nurses.",
        },
    )
    post_form(
        browser,
        f"{url}/sections/maturity",
        {
            "theme_ids": [str(i) for i in factories.theme_ids("Workforce")],
            "care_settings": ["hospital"],
            "maturity": "evidence",
            "evidence": "Used on 30 wards for a year; agency use fell 22%.",
        },
    )
    post_form(
        browser,
        f"{url}/sections/assurance",
        {
            "device_class": "not_a_device",
            "dtac_status": "passed",
            "dcb0129_in_place": "yes",
            "clinical_safety_officer": "J Smith",
            "dspt_status": "met",
            "cyber_essentials": "basic",
            "esf_tier": "a",
            "cyber_essentials_date[day]": "1",
            "cyber_essentials_date[month]": "2",
            "cyber_essentials_date[year]": "2026",
            "cyber_essentials_expiry[day]": "1",
            "cyber_essentials_expiry[month]": "2",
            "cyber_essentials_expiry[year]": "2027",
        },
    )
    post_form(
        browser,
        f"{url}/sections/commercial",
        {
            "pricing_model": "£2,000 per ward per year.",
            "contact_name": "Ellie",
            "contact_email": "ellie@example.org",
        },
    )
    published = post_form(browser, f"{url}/publish", {}, form_page=url)

    assert published.status_code == 302, published.text
    page = browser.get(url).text
    assert "Published" in page
    assert "Cyber Essentials, expires 1 February 2027" in page
    assert "Yes, clinical safety officer J Smith" in page


@pytest.mark.parametrize(
    ("section", "data", "message"),
    [
        ("overview", {"title": "", "summary": "ok"}, "Enter a title"),
        ("overview", {"title": "t" * 10_000}, "150 characters or fewer"),
        ("overview", {"title": "ok", "audience": "<iframe src=x>"}, "plain text"),
        (
            "assurance",
            {"dspt_date[day]": "40", "dspt_date[month]": "1", "dspt_date[year]": "2026"},
            "must be a real date",
        ),
        ("commercial", {"contact_email": "x@"}, "correct format"),
    ],
)
def test_section_pages_refuse_bad_input(browser, innovator, session, section, data, message):
    solution = factories.create_solution(innovator, status="draft")

    response = post_form(browser, f"/solutions/{solution.id}/sections/{section}", data)

    assert response.status_code == 422
    assert message in response.text
    session.expire_all()
    assert session.get(Solution, solution.id).version == 1


def test_drafts_are_private_and_published_ones_are_browsable(
    app, browser, innovator, session, signed_in
):
    draft = factories.create_solution(innovator, status="draft", title="Private idea")
    factories.create_solution(innovator, title="Public product")
    adopter = signed_in(Role.ADOPTER)

    assert adopter.get(f"/solutions/{draft.id}").status_code == 404
    listing = adopter.get("/solutions?q=product").text
    assert "Public <mark>product</mark>" in listing and "Private idea" not in listing
    assert "Private idea" in browser.get("/solutions/mine").text


def test_only_innovators_and_fellows_record_solutions(signed_in):
    assert signed_in(Role.SERVICE_LEAD).get("/solutions/new").status_code == 403
    assert signed_in(Role.FELLOW).get("/solutions/new").status_code == 200
