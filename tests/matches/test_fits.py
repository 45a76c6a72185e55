"""Fits between challenges and solutions through the services: ranking with filters and reasons,
decisions and their rules. The word-hashing embedder stands in for the model here (see
test_real_model_wiring.py for the real one)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from challenges import services as challenge_services
from marketplace.accounts.models import Role
from marketplace.audit import AuditEvent
from marketplace.errors import Conflict, Forbidden, Invalid, InvalidTransition, NotFound
from marketplace.matches import queries, services
from marketplace.matches.models import FeedbackSide, MatchFeedback
from marketplace.solutions import services as solution_services
from marketplace.solutions.models import Maturity
from tests import factories

FALLS_NEED = dict(
    title="Older people lying on the floor after a fall at night",
    need="Older people who live alone fall at night and lie on the floor for hours before help "
    "arrives. Ambulance crews find them cold and dehydrated.",
    outcomes="Help reaches anyone who falls at home within ten minutes.",
)
FALLS_SENSOR = dict(
    title="FallAlert home sensor",
    summary="A radar sensor that calls for help when an older person falls at night.",
    description="The sensor notices a fall at home and alerts a responder, so nobody lies on the "
    "floor for hours.",
    audience="Older people who live alone and the services that respond to falls.",
)
ROTA_APP = dict(
    title="Bank shift booking",
    summary="Nurses book short-notice bank shifts on their phones.",
    description="Shift offers reach bank nurses by text message and fill rota gaps quickly.",
    audience="Ward managers and bank nurses.",
)


def test_the_fitting_solution_ranks_first_with_reasons_from_both_texts(session, lead):
    sensor = factories.create_solution(**FALLS_SENSOR)
    factories.create_solution(**ROTA_APP)
    challenge = factories.create_challenge(lead, status="open", **FALLS_NEED)

    _, fits = queries.fits_for_challenge(session, lead, challenge.id)

    best = fits.rows[0]
    assert best.other.id == sensor.id and len(fits.rows) == 2
    reasons = best.fit.reasons
    challenge_text = " ".join(" ".join(v.split()) for v in FALLS_NEED.values())
    solution_text = " ".join(" ".join(v.split()) for v in FALLS_SENSOR.values())
    assert reasons.query_sentence in challenge_text
    assert reasons.match_sentence in solution_text
    assert {"fall", "night"} & set(reasons.shared_terms)
    for word in reasons.shared_terms:
        assert word in challenge_text.lower()
    assert best.fit.band in {"strong", "good"} and fits.rows[1].fit.band == "possible"
    assert set(best.fit.components) == {"dense", "late", "lexical", "themes", "maturity"}


def test_themes_and_maturity_are_given_as_reasons(session, lead):
    factories.create_solution(maturity="prototype", **FALLS_SENSOR)
    challenge = factories.create_challenge(
        lead,
        status="open",
        theme_ids=factories.theme_ids("Frailty"),
        stage_wanted="deployable_now",
        **FALLS_NEED,
    )

    [row] = queries.fits_for_challenge(session, lead, challenge.id)[1].rows

    assert row.fit.reasons.themes == ["Frailty"]
    assert "3 stages short" in row.fit.reasons.maturity


def test_filters_apply_before_ranking_and_unpublished_solutions_never_rank(session, lead):
    ready = factories.create_solution(maturity="market_ready", **FALLS_SENSOR)
    factories.create_solution(maturity="idea", **{**FALLS_SENSOR, "title": "Falls idea"})
    factories.create_solution(status="complete", **{**FALLS_SENSOR, "title": "Draft sensor"})
    withdrawn = factories.create_solution(**{**FALLS_SENSOR, "title": "Old sensor"})
    solution_services.withdraw_solution(
        session, withdrawn.created_by, withdrawn.id, "Replaced by a newer model"
    )
    challenge = factories.create_challenge(lead, status="open", **FALLS_NEED)

    everything = queries.fits_for_challenge(session, lead, challenge.id)[1]
    filtered = queries.fits_for_challenge(
        session, lead, challenge.id, queries.SolutionFilters(maturity=[Maturity.MARKET_READY])
    )[1]

    assert {r.other.title for r in everything.rows} == {"FallAlert home sensor", "Falls idea"}
    assert [r.other.id for r in filtered.rows] == [ready.id]


def test_a_challenge_with_no_solutions_at_all_has_no_fits(session, lead, challenge):
    _, fits = queries.fits_for_challenge(session, lead, challenge.id)

    assert fits.rows == [] and fits.waiting == 0


def test_challenges_that_fit_a_solution_are_open_ones_only(session, lead, challenge):
    innovator = factories.create_user(role=Role.INNOVATOR)
    sensor = factories.create_solution(innovator, **FALLS_SENSOR)
    factories.create_challenge(lead, status="submitted", title="Not yet published")

    _, fits = queries.fits_for_solution(session, innovator, sensor.id)
    mine = queries.fits_for_my_solutions(session, innovator)

    assert [r.other.id for r in fits.rows] == [challenge.id]
    assert [(s.id, [r.other.id for r in f.rows]) for s, f in mine] == [(sensor.id, [challenge.id])]


def test_only_the_service_and_the_team_see_a_challenges_fits(session, challenge):
    other_lead = factories.create_user(role=Role.SERVICE_LEAD)
    innovator = factories.create_user(role=Role.INNOVATOR)
    team = factories.create_user(role=Role.INNOVATION_TEAM)

    assert queries.fits_for_challenge(session, team, challenge.id)[0] == challenge
    for outsider in (other_lead, innovator):
        with pytest.raises(Forbidden):
            queries.fits_for_challenge(session, outsider, challenge.id)
    with pytest.raises(NotFound):
        queries.fits_for_challenge(session, team, 2**40)


# --- decisions ----------------------------------------------------------------------------


def _feedback_count(session) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(MatchFeedback))


def test_a_dismissed_fit_stays_dismissed_when_fits_are_ranked_again(session, lead, challenge):
    sensor = factories.create_solution(**FALLS_SENSOR)
    rota = factories.create_solution(**ROTA_APP)

    services.decide_fit(
        session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "dismissed", "Too costly"
    )
    session.commit()
    solution_services.save_section(
        session, sensor.created_by, sensor.id, "overview", {**FALLS_SENSOR, "title": "FallAlert 2"}
    )
    session.commit()
    fits = queries.fits_for_challenge(session, lead, challenge.id)[1]

    assert [r.other.id for r in fits.rows] == [rota.id]
    [dismissed] = fits.decided
    assert dismissed.solution_id == sensor.id and dismissed.reason == "Too costly"

    services.decide_fit(session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "shortlisted")
    assert sensor.id in {
        r.other.id for r in queries.fits_for_challenge(session, lead, challenge.id)[1].rows
    }


def test_decisions_are_stored_with_the_engines_view_and_audited(session, lead, challenge):
    sensor = factories.create_solution(**FALLS_SENSOR)

    shortlisted = services.decide_fit(
        session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "shortlisted"
    )
    accepted = services.decide_fit(
        session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "accepted", version=1
    )
    session.commit()

    assert accepted is shortlisted and accepted.status.value == "accepted"
    assert accepted.score is not None and accepted.components["dense"] > 0
    actions = session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.target_type == "match_feedback")
    ).all()
    assert actions == ["fit.shortlisted", "fit.accepted"]


@pytest.mark.parametrize(
    ("status", "reason", "field"),
    [
        ("maybe", None, "status"),
        ("", None, "status"),
        (None, None, "status"),
        ("dismissed", "<script>alert(1)</script>", "reason"),
        ("dismissed", "x" * 2001, "reason"),
        ("dismissed", "bad\x07bell", "reason"),
    ],
)
def test_bad_decisions_are_refused_and_nothing_is_stored(
    session, lead, challenge, status, reason, field
):
    sensor = factories.create_solution(**FALLS_SENSOR)

    with pytest.raises(Invalid) as error:
        services.decide_fit(
            session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, status, reason
        )

    assert field in error.value.fields
    session.rollback()
    assert _feedback_count(session) == 0


def test_who_may_decide_and_which_moves_are_legal(session, lead, challenge):
    innovator = factories.create_user(role=Role.INNOVATOR)
    sensor = factories.create_solution(innovator, **FALLS_SENSOR)
    other_lead = factories.create_user(role=Role.SERVICE_LEAD)

    with pytest.raises(Forbidden):
        services.decide_fit(
            session, other_lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "accepted"
        )
    with pytest.raises(Forbidden):
        services.decide_fit(
            session, lead, challenge.id, sensor.id, FeedbackSide.INNOVATOR, "shortlisted"
        )
    with pytest.raises(InvalidTransition, match="Only the service"):
        services.decide_fit(
            session, innovator, challenge.id, sensor.id, FeedbackSide.INNOVATOR, "accepted"
        )
    with pytest.raises(NotFound):
        services.decide_fit(session, lead, challenge.id, 2**31, FeedbackSide.SERVICE, "accepted")
    assert _feedback_count(session) == 0

    services.decide_fit(session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "accepted")
    with pytest.raises(InvalidTransition, match="already accepted"):
        services.decide_fit(
            session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "accepted"
        )
    with pytest.raises(InvalidTransition, match="accepted cannot be dismissed"):
        services.decide_fit(
            session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "dismissed"
        )

    # The innovator's own list is separate from the service's decision.
    mine = services.decide_fit(
        session, innovator, challenge.id, sensor.id, FeedbackSide.INNOVATOR, "dismissed"
    )
    assert mine.side == FeedbackSide.INNOVATOR and _feedback_count(session) == 2


def test_a_decision_on_a_stale_page_is_a_conflict(session, lead, challenge):
    sensor = factories.create_solution(**FALLS_SENSOR)
    services.decide_fit(session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "shortlisted")
    session.commit()
    colleague = factories.create_user(role=Role.SERVICE_LEAD, organisation=challenge.organisation)

    with pytest.raises(Conflict, match="meanwhile"):
        services.decide_fit(  # the colleague's page was opened before the shortlisting
            session,
            colleague,
            challenge.id,
            sensor.id,
            FeedbackSide.SERVICE,
            "dismissed",
            version=0,
        )
    session.rollback()
    assert session.scalar(sa.select(MatchFeedback.status)).value == "shortlisted"


def test_no_decisions_on_withdrawn_solutions_or_closed_challenges(session, lead, challenge):
    innovator = factories.create_user(role=Role.INNOVATOR)
    sensor = factories.create_solution(innovator, **FALLS_SENSOR)
    challenge_services.close_challenge(session, lead, challenge.id)

    with pytest.raises(Conflict, match="no longer open"):
        services.decide_fit(
            session, innovator, challenge.id, sensor.id, FeedbackSide.INNOVATOR, "shortlisted"
        )
    solution_services.withdraw_solution(session, innovator, sensor.id, "Product retired")
    with pytest.raises(NotFound):  # a withdrawn solution is out of sight of other organisations
        services.decide_fit(
            session, lead, challenge.id, sensor.id, FeedbackSide.SERVICE, "accepted"
        )


# --- the similar-challenge prompt ---------------------------------------------------------


def test_similar_published_challenges_are_found_before_submitting(session, lead, challenge):
    factories.create_challenge(
        status="open",
        title="Bank staff for short-notice gaps",
        need="Wards cannot fill short-notice gaps in the nursing rota.",
    )
    draft = factories.create_challenge(lead, **{**FALLS_NEED, "title": "Falls at night at home"})

    similar = queries.similar_challenges(session, draft)

    assert [s.other.id for s in similar] == [challenge.id]
    assert similar[0].fit.reasons.match_sentence
