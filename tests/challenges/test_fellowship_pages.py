"""Fellowship selection through the pages: the team opens a cohort, staff apply, a panel with a
patient member scores blind and independently, and the outcome with its reasons reaches the
applicant. Bad input is explained on the page and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from challenges.fellowship import services
from challenges.fellowship.models import (
    Cohort,
    Fellow,
    FellowshipApplication,
    FellowStatus,
    Milestone,
    Panel,
    Review,
)
from marketplace.accounts import services as account_services
from marketplace.accounts.models import Membership, OrganisationKind, Role, User
from marketplace.db import uk_today
from marketplace.extensions import db
from marketplace.notifications.models import Notification
from tests import factories
from tests.conftest import csrf_from, post_form, sign_in

COHORT = {
    "year": 2027,
    "title": "Innovation fellowship 2027",
    "themes": "Health inequalities; workforce",
    "eligibility": "Staff of the partnership's trusts and council.",
    "places": 8,
    "opens_on": uk_today() - timedelta(days=5),
    "closes_on": uk_today() + timedelta(days=30),
    "stages": [
        {"name": "Eligibility screening", "ends_on": None},
        {"name": "Independent scoring", "ends_on": None},
        {"name": "Decision", "ends_on": None},
    ],
    "criteria": [{"name": "Need", "weight": 40}, {"name": "Feasibility", "weight": 60}],
}
IDEA = {
    "problem": "Young adults miss first appointments.",
    "idea": "A reminder written with young adults, sent by text.",
    "idea_stage": "concept",
    "service": "Outpatients",
    "support_needed": "Digital team time and a mentor.",
}


def _date(prefix: str, when: date) -> dict:
    return {
        f"{prefix}[day]": when.day,
        f"{prefix}[month]": when.month,
        f"{prefix}[year]": when.year,
    }


def cohort_form(**changes) -> dict:
    data = {
        "title": "Fellowship 2028",
        "year": "2028",
        "themes": "Prevention; digital inclusion",
        "eligibility": "Staff of partner organisations",
        "places": "6",
        **_date("opens_on", uk_today() - timedelta(days=1)),
        **_date("closes_on", uk_today() + timedelta(days=40)),
        "stage_0_name": "Screening",
        **_date("stage_0_ends_on", uk_today() + timedelta(days=50)),
        "stage_1_name": "Scoring",
        "stage_2_name": "Decision",
        "criterion_0_name": "Need",
        "criterion_0_weight": "40",
        "criterion_1_name": "Feasibility",
        "criterion_1_weight": "60",
    }
    data.update(changes)
    return data


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@pytest.fixture
def selection(app):
    """An open cohort with one application assigned to a panel of two professionals and a
    patient member."""
    with app.app_context():
        team = factories.create_user(role=Role.INNOVATION_TEAM)
        cohort = services.open_cohort(db.session, team, COHORT)
        applicant = factories.create_user(role=Role.SERVICE_LEAD)
        application = services.apply(db.session, applicant, cohort.id, IDEA)
        reviewers = [
            factories.create_user(role=Role.PANEL_PROFESSIONAL),
            factories.create_user(role=Role.PANEL_PROFESSIONAL),
            factories.create_user(role=Role.PANEL_PATIENT),
        ]
        panel = services.form_panel(
            db.session, team, cohort.id, "Scoring panel", [r.id for r in reviewers]
        )
        services.assign(db.session, team, application.id, panel.id)
        db.session.commit()
        ids = {
            "team": team.email,
            "team_id": team.id,
            "cohort": cohort.id,
            "application": application.id,
            "applicant": applicant.email,
            "applicant_id": applicant.id,
            "reviewers": [r.email for r in reviewers],
            "reviewer_ids": [r.id for r in reviewers],
            "panel": panel.id,
        }
        db.session.remove()
    return ids


def _client(app, email):
    return sign_in(app.test_client(), email)


def _score(client, application_id, need, feasibility, comment=""):
    url = f"/fellowship/applications/{application_id}/review"
    return post_form(client, url, {"score_0": need, "score_1": feasibility, "comment": comment})


# --- the whole journey ----------------------------------------------------------------------------


def test_the_selection_journey_through_the_pages(app):
    with app.app_context():
        team = factories.create_user(role=Role.INNOVATION_TEAM)
        staff = factories.create_user(role=Role.SERVICE_LEAD, name="Asha Applicant")
        professionals = [
            factories.create_user(role=Role.PANEL_PROFESSIONAL, name=f"Professional {n}")
            for n in (1, 2)
        ]
        patient = factories.create_user(role=Role.PANEL_PATIENT, name="Pat Public")
        reviewers = [*professionals, patient]
        emails = {"team": team.email, "staff": staff.email}
        reviewer_emails = [r.email for r in reviewers]
        reviewer_ids = [r.id for r in reviewers]
        db.session.remove()

    # The team opens a cohort.
    lead = _client(app, emails["team"])
    response = post_form(lead, "/fellowship/cohorts/new", cohort_form())
    assert response.status_code == 302, response.text
    with app.app_context():
        cohort = db.session.scalar(sa.select(Cohort))
        cohort_id = cohort.id
        assert [s["name"] for s in cohort.stages] == ["Screening", "Scoring", "Decision"]
        assert cohort.stages[0]["ends_on"] == (uk_today() + timedelta(days=50)).isoformat()
    public = app.test_client().get(f"/fellowship/cohorts/{cohort_id}")
    assert public.status_code == 200
    assert "Feasibility" in public.text and "60%" in public.text
    assert "Taking applications" in public.text

    # Staff apply.
    applicant = _client(app, emails["staff"])
    assert "Apply to this cohort" in applicant.get(f"/fellowship/cohorts/{cohort_id}").text
    response = post_form(applicant, f"/fellowship/cohorts/{cohort_id}/apply", IDEA)
    assert response.status_code == 302 and response.headers["Location"] == "/fellowship/mine"
    mine = applicant.get("/fellowship/mine")
    assert "Being considered" in mine.text
    assert "Stage 1 of 3: Screening" in mine.text
    with app.app_context():
        application_id = db.session.scalar(sa.select(FellowshipApplication.id))

    # The team forms a panel with a patient member and assigns it.
    panels_page = lead.get(f"/fellowship/cohorts/{cohort_id}/panels")
    assert "Pat Public (patient or public member)" in panels_page.text
    response = post_form(
        lead,
        f"/fellowship/cohorts/{cohort_id}/panels",
        {"name": "Panel A", "member_ids": reviewer_ids},
    )
    assert response.status_code == 302, response.text
    with app.app_context():
        panel_id = db.session.scalar(sa.select(Panel.id))
    response = post_form(
        lead,
        f"/fellowship/applications/{application_id}/assign",
        {"panel_id": panel_id},
        form_page=f"/fellowship/applications/{application_id}",
    )
    assert response.status_code == 302
    assert _count(app, Review) == 3

    # Each reviewer finds it in their queue and scores independently.
    comments = ["Clear need in outpatients.", "Feasible with digital support.", "Patients want it."]
    for email, (need, feasibility), comment in zip(
        reviewer_emails, [(4, 3), (5, 4), (5, 2)], comments, strict=True
    ):
        reviewer = _client(app, email)
        queue = reviewer.get("/fellowship/reviews")
        assert f"/fellowship/applications/{application_id}/review" in queue.text
        assert "To score (1)" in queue.text
        page = reviewer.get(f"/fellowship/applications/{application_id}/review")
        assert IDEA["idea"] in page.text and "weight 40" in page.text
        assert all(c not in page.text for c in comments)  # blind until one's own is in
        response = _score(reviewer, application_id, need, feasibility, comment)
        assert response.status_code == 302, response.text
        after = reviewer.get(response.headers["Location"])
        assert comment in after.text and "Scored (1)" in reviewer.get("/fellowship/reviews").text

    # Advance a stage, then record the outcome with reasons.
    post_form(
        lead,
        f"/fellowship/applications/{application_id}/advance",
        {},
        form_page=f"/fellowship/applications/{application_id}",
    )
    detail = lead.get(f"/fellowship/applications/{application_id}")
    assert "Stage 2 of 3: Scoring" in detail.text
    assert "73.3 out of 100" in detail.text  # (68 + 88 + 64) / 3
    assert all(c in detail.text for c in comments)
    response = post_form(
        lead,
        f"/fellowship/applications/{application_id}/decide",
        {"outcome": "accepted", "reasons": "A clear need, well evidenced by the service."},
        form_page=f"/fellowship/applications/{application_id}",
    )
    assert response.status_code == 302, response.text

    with app.app_context():
        told = db.session.scalars(
            sa.select(Notification.message).join(
                FellowshipApplication, FellowshipApplication.applicant_id == Notification.user_id
            )
        ).all()
        assert any("accepted" in m and "well evidenced" in m for m in told)
        assert _count(app, Fellow) == 1
    mine = applicant.get("/fellowship/mine")
    assert "Outcome: Accepted" in mine.text
    assert "A clear need, well evidenced by the service." in mine.text
    listing = lead.get(f"/fellowship/cohorts/{cohort_id}/applications")
    assert "Asha Applicant" in listing.text and "73.3" in listing.text


# --- opening a cohort ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Enter the title"),
        ({"title": "x" * 201}, "200 characters or fewer"),
        ({"year": "next year"}, "Give the cohort&#39;s year"),
        ({"places": "0"}, "Give the number of places, from 1 to 500"),
        ({"themes": "<script>alert(1)</script>"}, "must be plain text"),
        ({"eligibility": "x" * 5001}, "5,000 characters or fewer"),
        ({"criterion_0_weight": "49"}, "they add up to 109"),
        ({"criterion_0_weight": "fifty"}, "whole-number weight from 1 to 100"),
        ({"stage_1_name": "", "stage_2_name": ""}, "Name at least two stages"),
        ({"stage_0_ends_on[month]": "13"}, "Stage 1: ends on must be a real date"),
        (_date("closes_on", uk_today() - timedelta(days=10)), "must close after they open"),
    ],
)
def test_bad_cohorts_are_explained_and_not_stored(app, signed_in, changes, message):
    client = signed_in(Role.INNOVATION_TEAM)

    response = post_form(client, "/fellowship/cohorts/new", cohort_form(**changes))

    assert response.status_code == 422
    assert "There is a problem" in response.text and message in response.text
    assert _count(app, Cohort) == 0


def test_only_the_team_opens_cohorts(app, signed_in):
    client = signed_in(Role.SERVICE_LEAD)
    response = client.post(
        "/fellowship/cohorts/new",
        data={"csrf_token": csrf_from(client.get("/account").text), **cohort_form()},
    )
    assert response.status_code == 403
    assert _count(app, Cohort) == 0


def test_criterion_names_with_markup_are_refused(app, signed_in):
    client = signed_in(Role.INNOVATION_TEAM)
    response = post_form(
        client,
        "/fellowship/cohorts/new",
        cohort_form(
            criterion_1_weight="40",
            criterion_2_name="<script>alert('x')</script>",
            criterion_2_weight="20",
        ),
    )

    assert response.status_code == 422
    assert "The name of each criterion must not contain &lt; or &gt;" in response.text
    assert "<script>alert" not in response.text
    assert _count(app, Cohort) == 0


# --- applying ----------------------------------------------------------------------------------


@pytest.fixture
def open_cohort(app):
    with app.app_context():
        team = factories.create_user(role=Role.INNOVATION_TEAM)
        cohort = services.open_cohort(db.session, team, COHORT)
        db.session.commit()
        cohort_id = cohort.id
        db.session.remove()
    return cohort_id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"problem": ""}, "Enter the problem"),
        ({"idea_stage": ""}, "Choose how far the idea has got"),
        ({"idea_stage": "moonshot"}, "Choose an answer from the list"),
        ({"idea": "x" * 5001}, "5,000 characters or fewer"),
        ({"idea": "<script>alert(1)</script>"}, "must be plain text"),
        ({"service": "Clinic\n<b>bold</b>"}, "must not contain"),
        ({"challenge_id": "abc"}, "Choose a challenge from the list"),
        ({"challenge_id": "99999999999"}, "Choose a challenge from the list"),
        ({"solution_id": "1.5"}, "Choose one of your organisation"),
    ],
)
def test_bad_applications_are_explained_and_not_stored(
    app, signed_in, open_cohort, changes, message
):
    client = signed_in(Role.SERVICE_LEAD)

    response = post_form(client, f"/fellowship/cohorts/{open_cohort}/apply", {**IDEA, **changes})

    assert response.status_code == 422
    assert "There is a problem" in response.text and message in response.text
    assert _count(app, FellowshipApplication) == 0


def test_another_organisations_challenge_draft_or_solution_cannot_be_linked(
    app, signed_in, open_cohort
):
    with app.app_context():
        draft = factories.create_challenge()  # another trust's draft
        solution = factories.create_solution()  # an SME's solution
        published = factories.create_challenge(status="open", title="Falls at night")
        ids = (draft.id, solution.id, published.id)
        db.session.remove()
    client = signed_in(Role.SERVICE_LEAD)
    url = f"/fellowship/cohorts/{open_cohort}/apply"
    form = client.get(url)
    assert "Falls at night" in form.text and f'value="{ids[0]}"' not in form.text

    response = post_form(client, url, {**IDEA, "challenge_id": ids[0], "solution_id": ids[1]})

    assert response.status_code == 422
    assert "Choose a challenge from the list" in response.text
    assert "Choose one of your organisation&#39;s solutions" in response.text
    assert _count(app, FellowshipApplication) == 0
    assert post_form(client, url, {**IDEA, "challenge_id": ids[2]}).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(FellowshipApplication.challenge_id)) == ids[2]


def test_plain_text_with_angle_brackets_is_kept_and_escaped(app, signed_in, open_cohort):
    client = signed_in(Role.SERVICE_LEAD)
    idea = "Waits of > 18 weeks & < 2 clinics a week"

    post_form(client, f"/fellowship/cohorts/{open_cohort}/apply", {**IDEA, "idea": idea})

    with app.app_context():
        assert db.session.scalar(sa.select(FellowshipApplication.idea)) == idea
    assert "Waits of &gt; 18 weeks &amp; &lt; 2 clinics" in client.get("/fellowship/mine").text


def test_only_partner_staff_apply_and_only_once(app, signed_in, open_cohort):
    with app.app_context():
        sme_user = factories.create_user(
            role=Role.INNOVATOR,
            organisation=factories.create_organisation(kind=OrganisationKind.SME),
        )
        email = sme_user.email
        db.session.remove()
    supplier = _client(app, email)
    url = f"/fellowship/cohorts/{open_cohort}/apply"
    assert supplier.get(url).status_code == 403
    assert "Apply to this cohort" not in supplier.get(f"/fellowship/cohorts/{open_cohort}").text

    staff = signed_in(Role.SERVICE_LEAD)
    assert post_form(staff, url, IDEA).status_code == 302
    again = post_form(staff, url, IDEA)
    assert again.status_code == 409 and "already applied" in again.text
    assert _count(app, FellowshipApplication) == 1


# --- panels ------------------------------------------------------------------------------------


def test_a_panel_needs_a_patient_or_public_member_and_panel_roles(app, signed_in, open_cohort):
    with app.app_context():
        professionals = [factories.create_user(role=Role.PANEL_PROFESSIONAL) for _ in range(2)]
        innovator = factories.create_user(
            role=Role.INNOVATOR,
            organisation=factories.create_organisation(kind=OrganisationKind.SME),
        )
        patient = factories.create_user(role=Role.PANEL_PATIENT)
        ids = [p.id for p in professionals]
        outsider, patient_id = innovator.id, patient.id
        db.session.remove()
    client = signed_in(Role.INNOVATION_TEAM)
    url = f"/fellowship/cohorts/{open_cohort}/panels"

    cases = [
        ({"name": "Panel", "member_ids": ids}, "at least one patient or public member"),
        ({"name": "Panel", "member_ids": [*ids, outsider, patient_id]}, "Choose panel members"),
        ({"name": "Panel", "member_ids": [*ids, "x"]}, "Choose panel members"),
        ({"name": "", "member_ids": [*ids, patient_id]}, "Enter the panel&#39;s name"),
        ({"name": "<b>Panel</b>", "member_ids": [*ids, patient_id]}, "must not contain"),
        ({"name": "Panel", "member_ids": [patient_id]}, "at least two members"),
    ]
    for data, message in cases:
        response = post_form(client, url, data)
        assert response.status_code == 422, data
        assert message in response.text, data
    assert _count(app, Panel) == 0


# --- reviewing ------------------------------------------------------------------------------------


def test_blind_scoring_hides_the_others_comments_until_one_has_scored(app, selection):
    first, second, _ = (_client(app, e) for e in selection["reviewers"])
    application_id = selection["application"]
    _score(first, application_id, 4, 3, "Secret thoughts of the first reviewer")

    before = second.get(f"/fellowship/applications/{application_id}/review")
    assert before.status_code == 200
    assert "Secret thoughts" not in before.text and "Submit scores" in before.text
    _score(second, application_id, 2, 2, "Second view")
    after = second.get(f"/fellowship/applications/{application_id}/review")
    assert "Secret thoughts of the first reviewer" in after.text


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({"score_0": "6", "score_1": "3"}, "Score “Need” from 0 to 5"),
        ({"score_0": "-1", "score_1": "3"}, "Score “Need” from 0 to 5"),
        ({"score_0": "four", "score_1": "3"}, "Score “Need” from 0 to 5"),
        ({"score_1": "3"}, "Score “Need” from 0 to 5"),
        ({"score_0": "3", "score_1": "3", "comment": "<script>x</script>"}, "must be plain text"),
        ({"score_0": "3", "score_1": "3", "comment": "x" * 5001}, "5,000 characters or fewer"),
    ],
)
def test_bad_scores_are_explained_and_not_stored(app, selection, scores, message):
    reviewer = _client(app, selection["reviewers"][0])
    url = f"/fellowship/applications/{selection['application']}/review"

    response = post_form(reviewer, url, scores)

    assert response.status_code == 422
    assert "There is a problem" in response.text and message in response.text
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Review)
                .where(Review.submitted_at.is_not(None))
            )
            == 0
        )


def test_an_unassigned_or_recused_reviewer_cannot_score(app, selection, signed_in):
    application_id = selection["application"]
    url = f"/fellowship/applications/{application_id}/review"
    outsider = signed_in(Role.PANEL_PROFESSIONAL)
    assert outsider.get(url).status_code == 404
    response = outsider.post(
        url,
        data={"csrf_token": csrf_from(outsider.get("/account").text), "score_0": 3, "score_1": 3},
    )
    assert response.status_code == 404

    recused = _client(app, selection["reviewers"][0])
    empty = post_form(
        recused,
        f"/fellowship/applications/{application_id}/conflict",
        {"reason": ""},
        form_page=url,
    )
    assert empty.status_code == 422 and "Enter the conflict" in empty.text
    response = post_form(
        recused,
        f"/fellowship/applications/{application_id}/conflict",
        {"reason": "I manage the applicant"},
        form_page=url,
    )
    assert response.status_code == 302
    assert "Recused (1)" in recused.get("/fellowship/reviews").text
    page = recused.get(url)
    assert "recused" in page.text and "Submit scores" not in page.text
    refused = recused.post(
        url,
        data={"csrf_token": csrf_from(recused.get("/account").text), "score_0": 3, "score_1": 3},
    )
    assert refused.status_code == 403 and "recused" in refused.text
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Review)
                .where(Review.submitted_at.is_not(None))
            )
            == 0
        )


def test_no_outcome_before_every_reviewer_has_scored(app, selection):
    lead = _client(app, selection["team"])
    application_id = selection["application"]
    _score(_client(app, selection["reviewers"][0]), application_id, 4, 3)
    url = f"/fellowship/applications/{application_id}"

    early = post_form(
        lead, f"{url}/decide", {"outcome": "declined", "reasons": "Too early"}, form_page=url
    )
    assert early.status_code == 409
    assert "Not every reviewer has scored yet" in early.text
    for email in selection["reviewers"][1:]:
        _score(_client(app, email), application_id, 3, 3)
    for data, message in [
        ({"outcome": "declined", "reasons": ""}, "Enter the reasons"),
        ({"outcome": "maybe", "reasons": "Because"}, "Choose an answer from the list"),
        ({"outcome": "declined", "reasons": "<script>x</script>"}, "must be plain text"),
    ]:
        response = post_form(lead, f"{url}/decide", data, form_page=url)
        assert response.status_code == 422 and message in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(FellowshipApplication.outcome)) is None
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Notification)
                .where(Notification.user_id == selection["applicant_id"])
            )
            == 0
        )


def test_assigning_needs_a_panel_of_the_cohort(app, selection):
    lead = _client(app, selection["team"])
    url = f"/fellowship/applications/{selection['application']}"

    missing = post_form(lead, f"{url}/assign", {}, form_page=url)
    assert missing.status_code == 422 and "Choose a panel" in missing.text
    twice = post_form(lead, f"{url}/assign", {"panel_id": selection["panel"]}, form_page=url)
    assert twice.status_code == 409 and "already reviewing" in twice.text
    assert _count(app, Review) == 3


# --- the team's queue ---------------------------------------------------------------------------


def test_the_team_queue_shows_what_needs_attention(app, selection):
    with app.app_context():
        team = db.session.get(User, selection["team_id"])
        patient_id = selection["reviewer_ids"][2]
        membership = db.session.scalar(
            sa.select(Membership).filter_by(user_id=patient_id, role=Role.PANEL_PATIENT)
        )
        account_services.revoke_membership(db.session, team, membership.id)
        challenge = factories.create_challenge(status="open", title="Night-time falls")
        challenge.panel_requested_at = factories.utcnow()
        fellow_user = factories.create_user(role=Role.SERVICE_LEAD, name="Fola Fellow")
        fellow = Fellow(cohort_id=selection["cohort"], user_id=fellow_user.id)
        db.session.add(fellow)
        db.session.flush()
        db.session.add(
            Milestone(
                fellow_id=fellow.id, title="Prototype tested", due_on=uk_today() - timedelta(1)
            )
        )
        db.session.add(
            Milestone(fellow_id=fellow.id, title="Report", due_on=uk_today() + timedelta(9))
        )
        gone = Fellow(
            cohort_id=selection["cohort"],
            user_id=factories.create_user(name="Wren Withdrawn").id,
            status=FellowStatus.WITHDRAWN,
        )
        db.session.add(gone)
        db.session.flush()
        db.session.add(
            Milestone(fellow_id=gone.id, title="Pilot", due_on=uk_today() - timedelta(30))
        )
        db.session.commit()
        db.session.remove()
    lead = _client(app, selection["team"])

    page = lead.get("/fellowship/queue")

    assert page.status_code == 200
    assert "Eligibility screening" in page.text
    assert "Panels without a patient or public member (1)" in page.text
    assert "Scoring panel" in page.text
    assert "Challenges asking for a panel (1)" in page.text and "Night-time falls" in page.text
    assert "Overdue milestones (1)" in page.text
    assert "Fola Fellow" in page.text and "Prototype tested" in page.text
    assert "Report" not in page.text
    assert "Wren Withdrawn" not in page.text
    assert "Ready for a decision (0)" in page.text


def test_the_team_queue_lists_applications_with_every_score_in(app, selection):
    with app.app_context():
        for reviewer_id in selection["reviewer_ids"]:
            services.submit_review(
                db.session,
                db.session.get(User, reviewer_id),
                selection["application"],
                {"Need": 3, "Feasibility": 4},
            )
        db.session.commit()
        db.session.remove()

    page = _client(app, selection["team"]).get("/fellowship/queue")

    assert "Ready for a decision (1)" in page.text
    assert f'/fellowship/applications/{selection["application"]}"' in page.text


def test_team_pages_are_for_the_team(app, selection):
    applicant = _client(app, selection["applicant"])
    for url in (
        "/fellowship/queue",
        f"/fellowship/applications/{selection['application']}",
        f"/fellowship/cohorts/{selection['cohort']}/applications",
        f"/fellowship/cohorts/{selection['cohort']}/panels",
    ):
        assert applicant.get(url).status_code == 403, url
    assert (
        applicant.get(f"/fellowship/applications/{selection['application']}/review").status_code
        == 404
    )


def selection_objects() -> dict:
    """An open cohort with an application assigned to a panel, for the authorisation matrix
    (keys prefixed so they name only the selection routes' objects)."""
    session = db.session
    team = factories.create_user(role=Role.INNOVATION_TEAM)
    cohort = services.open_cohort(session, team, COHORT)
    applicant = factories.create_user(role=Role.SERVICE_LEAD)
    application = services.apply(session, applicant, cohort.id, IDEA)
    reviewers = [
        factories.create_user(role=Role.PANEL_PROFESSIONAL),
        factories.create_user(role=Role.PANEL_PATIENT),
    ]
    panel = services.form_panel(session, team, cohort.id, "Panel", [r.id for r in reviewers])
    services.assign(session, team, application.id, panel.id)
    session.commit()
    return {"selection_cohort_id": cohort.id, "selection_application_id": application.id}
