"""JSON API for challenges: schema → the same service call as the pages → schema."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields

from flask import url_for
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from challenges import queries, responses, services
from challenges.models import Challenge
from challenges.schemas import (
    ChallengePageSchema,
    ChallengeQuerySchema,
    ChallengeSchema,
    ChallengeUpdateSchema,
    CommentsSchema,
    FeedSchema,
    NewChallengeSchema,
    NewResponseSchema,
    ResponseSchema,
    ThemeSchema,
)
from marketplace.accounts import policy
from marketplace.accounts.schemas import ReasonSchema
from marketplace.db import get_by_id
from marketplace.errors import NotFound
from marketplace.extensions import db

challenges = Blueprint(
    "challenges_api", __name__, url_prefix="/api/v1/challenges", description="Challenges"
)
themes = Blueprint("themes_api", __name__, url_prefix="/api/v1/themes", description="Themes")
responses_api = Blueprint(
    "responses_api", __name__, url_prefix="/api/v1/responses", description="Responses to challenges"
)
blueprints = [challenges, themes, responses_api]

FEED_SIZE = 50
INPUT_FIELDS = [f.name for f in dataclass_fields(services.ChallengeInput)]


def _visible(challenge_id: int) -> Challenge:
    challenge = get_by_id(db.session, Challenge, challenge_id)
    if challenge is None or not policy.may_view_challenge(current_user, challenge):
        raise NotFound("No such challenge")
    return challenge


def _input_from(challenge: Challenge | None, data: dict) -> services.ChallengeInput:
    """The challenge as it is, with what the client sent laid over it."""
    current = {}
    if challenge is not None:
        current = {name: getattr(challenge, name) for name in INPUT_FIELDS if name != "theme_ids"}
        current["theme_ids"] = [t.id for t in challenge.themes]
        for name in ("budget_range", "stage_wanted", "evidence_tier_wanted"):
            current[name] = current[name].value if current[name] else None
    current.update({k: v for k, v in data.items() if k in INPUT_FIELDS})
    return services.ChallengeInput(**current)


@challenges.route("")
class Challenges(MethodView):
    @challenges.arguments(ChallengeQuerySchema, location="query")
    @challenges.response(200, ChallengePageSchema)
    def get(self, args):
        """Published challenges, searched and filtered as on the challenges page."""
        filters = queries.ChallengeFilters(
            text=args.get("q"),
            theme_id=args.get("theme"),
            organisation_id=args.get("organisation"),
            status=args["status"],
            closing_soon=args["closing_soon"],
            sort=args["sort"],
        )
        return queries.published(db.session, filters, args["page"], args["per_page"]).checked()

    @challenges.arguments(NewChallengeSchema)
    @challenges.response(201, ChallengeSchema)
    def post(self, data):
        """Start a draft challenge for an organisation you are a service lead for."""
        challenge = services.create_challenge(
            db.session, current_user, data["organisation_id"], _input_from(None, data)
        )
        db.session.commit()
        return challenge


@challenges.route("/<int:challenge_id>")
class ChallengeById(MethodView):
    @challenges.response(200, ChallengeSchema)
    def get(self, challenge_id):
        return _visible(challenge_id)

    @challenges.arguments(ChallengeUpdateSchema)
    @challenges.response(200, ChallengeSchema)
    def patch(self, data, challenge_id):
        """Change a draft. Send ``version`` to be told if someone else saved in between."""
        challenge = _visible(challenge_id)
        updated = services.update_challenge(
            db.session,
            current_user,
            challenge_id,
            _input_from(challenge, data),
            data.get("version"),
        )
        db.session.commit()
        return updated


def _lifecycle_endpoint(name: str, action, schema=None, doc: str = ""):
    """POST /challenges/<id>/<name>: one lifecycle move through its service."""

    def post(self, *args, challenge_id):
        extra = [next(iter(args[0].values()))] if args else []
        challenge = action(db.session, current_user, challenge_id, *extra)
        db.session.commit()
        return challenge

    post.__doc__ = doc
    view = type(f"Challenge{name.title()}", (MethodView,), {"post": post})
    decorated = challenges.response(200, ChallengeSchema)(post)
    if schema is not None:
        decorated = challenges.arguments(schema)(decorated)
    view.post = decorated
    challenges.route(f"/<int:challenge_id>/{name}")(view)


_lifecycle_endpoint(
    "submit", services.submit_challenge, doc="Send a draft for review; every missing part is named."
)
_lifecycle_endpoint(
    "publish", services.publish_challenge, doc="Innovation team: publish a reviewed challenge."
)
_lifecycle_endpoint(
    "return",
    services.return_challenge,
    CommentsSchema,
    doc="Innovation team: return a submitted challenge with comments.",
)
_lifecycle_endpoint(
    "withdraw",
    services.withdraw_challenge,
    ReasonSchema,
    doc="Withdraw a challenge, with a reason.",
)
_lifecycle_endpoint("close", services.close_challenge, doc="Close to new responses.")
_lifecycle_endpoint("archive", services.archive_challenge, doc="Archive a closed challenge.")


@themes.route("")
class Themes(MethodView):
    @themes.response(200, ThemeSchema(many=True))
    def get(self):
        """Every theme, including retired ones (marked)."""
        return queries.all_themes(db.session)


@challenges.route("/<int:challenge_id>/responses")
class ChallengeResponses(MethodView):
    @challenges.response(200, ResponseSchema(many=True))
    def get(self, challenge_id):
        """All responses for the challenge's service and the team; your own otherwise."""
        return responses.for_challenge(db.session, current_user, _visible(challenge_id))

    @challenges.arguments(NewResponseSchema)
    @challenges.response(201, ResponseSchema)
    def post(self, data, challenge_id):
        """Offer one of your organisation's published solutions, with a pitch."""
        response = responses.respond(
            db.session, current_user, challenge_id, data["solution_id"], data["pitch"]
        )
        db.session.commit()
        return response


@responses_api.route("/mine")
class MyResponses(MethodView):
    @responses_api.response(200, ResponseSchema(many=True))
    def get(self):
        """Responses made for your organisations, with the answers."""
        return responses.of_user_organisations(db.session, current_user)


@responses_api.route("/<int:response_id>/shortlist")
class ShortlistResponse(MethodView):
    @responses_api.response(200, ResponseSchema)
    def post(self, response_id):
        response = responses.shortlist(db.session, current_user, response_id)
        db.session.commit()
        return response


@responses_api.route("/<int:response_id>/decline")
class DeclineResponse(MethodView):
    @responses_api.arguments(ReasonSchema)
    @responses_api.response(200, ResponseSchema)
    def post(self, data, response_id):
        """Not taken forward, with a reason the innovator will see."""
        response = responses.not_taken_forward(
            db.session, current_user, response_id, data["reason"]
        )
        db.session.commit()
        return response


@challenges.route("/feed.json")
class ChallengeFeed(MethodView):
    @challenges.response(200, FeedSchema)
    def get(self):
        """Open challenges, newest first, as a JSON Feed (jsonfeed.org, version 1.1).

        Feed readers and other systems can follow new challenges with a personal access token.
        """
        filters = queries.ChallengeFilters(status="open", sort="newest")
        page = queries.published(db.session, filters, 1, FEED_SIZE).page
        return {
            "version": "https://jsonfeed.org/version/1.1",
            "title": "Open challenges from health and care services",
            "home_page_url": url_for("challenges.browse", _external=True),
            "feed_url": url_for("challenges_api.ChallengeFeed", _external=True),
            "items": [
                {
                    "id": str(c.id),
                    "url": url_for("challenges.show", challenge_id=c.id, _external=True),
                    "title": c.title,
                    "content_text": c.need or "",
                    "date_published": c.published_at,
                    "tags": [t.name for t in c.themes],
                    "authors": [{"name": c.organisation.name}],
                }
                for c in page.items
            ],
        }
