"""What of a challenge search finds: its title, the service's name, its themes and the need
in its own words."""

from __future__ import annotations

import sqlalchemy as sa

from challenges.models import Challenge, Theme, challenge_themes
from marketplace.accounts.models import Organisation
from marketplace.search.index import Follower, Source, joined, register, themes_of

KIND = "challenge"


def _rows() -> sa.Select:
    return sa.select(
        Challenge.id.label("ref_id"),
        Challenge.title.label("title"),
        Organisation.name.label("names"),
        themes_of(challenge_themes, challenge_themes.c.challenge_id, Challenge.id).label("themes"),
        joined(Challenge.need, Challenge.outcomes, Challenge.affected, Challenge.evidence).label(
            "body"
        ),
    ).join(Organisation, Organisation.id == Challenge.organisation_id)


SOURCE = register(
    Source(
        kind=KIND,
        model=Challenge,
        watched=("title", "need", "outcomes", "affected", "evidence", "organisation_id", "themes"),
        rows=_rows,
        followers=(
            Follower(
                Organisation,
                ("name",),
                lambda ids: sa.select(Challenge.id).where(Challenge.organisation_id.in_(ids)),
            ),
            Follower(
                Theme,
                ("name",),
                lambda ids: sa.select(challenge_themes.c.challenge_id).where(
                    challenge_themes.c.theme_id.in_(ids)
                ),
            ),
        ),
    )
)
