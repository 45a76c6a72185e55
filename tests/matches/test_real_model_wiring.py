"""The product with the real model: a fit found by meaning alone, explained in the texts' own
sentences. One test, sharing the session's loaded model."""

from __future__ import annotations

from marketplace.accounts.models import Role
from marketplace.app import create_app
from marketplace.extensions import db
from marketplace.matches import queries
from tests import factories
from tests.conftest import TEST_CONFIG


def test_the_real_model_ranks_by_meaning_through_the_product(app, database_url, real_embedder):
    real = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MATCHING_EMBEDDER": "sentence-transformers",
        }
    )
    with real.test_request_context():
        lead = factories.create_user(role=Role.SERVICE_LEAD)
        tumble = factories.create_solution(
            title="Guardian",
            summary="Detects elderly residents tumbling in the dark and summons a carer.",
            description="Radar on the bedroom ceiling spots someone on the ground after dusk.",
            audience="Pensioners who are alone at home.",
        )
        factories.create_solution(
            title="Rota filler",
            summary="Nurses pick up extra bank shifts on their phones.",
            description="Short-notice shift offers by text message.",
            audience="Ward managers.",
        )
        challenge = factories.create_challenge(
            lead,
            status="open",
            title="Falls overnight",
            need="Older people living on their own fall at night and wait hours for help.",
            outcomes="Help arrives quickly.",
        )

        _, fits = queries.fits_for_challenge(db.session, lead, challenge.id)

        best = fits.rows[0]
        assert best.other.id == tumble.id
        assert best.fit.components["dense"] > fits.rows[1].fit.components["dense"] + 0.1
        assert best.fit.reasons.match_sentence in (
            "Guardian Detects elderly residents tumbling in the dark and summons a carer. "
            "Radar on the bedroom ceiling spots someone on the ground after dusk. "
            "Pensioners who are alone at home."
        )
        db.session.remove()
