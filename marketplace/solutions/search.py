"""What of a solution search finds: its title, its supplier's name, its themes and the text
that describes it."""

from __future__ import annotations

import sqlalchemy as sa

from challenges.models import Theme
from marketplace.accounts.models import Organisation
from marketplace.search.index import Follower, Source, joined, register, themes_of
from marketplace.solutions.models import Solution, solution_themes

KIND = "solution"


def _rows() -> sa.Select:
    return sa.select(
        Solution.id.label("ref_id"),
        Solution.title.label("title"),
        Organisation.name.label("names"),
        themes_of(solution_themes, solution_themes.c.solution_id, Solution.id).label("themes"),
        joined(Solution.summary, Solution.description, Solution.audience).label("body"),
    ).join(Organisation, Organisation.id == Solution.organisation_id)


SOURCE = register(
    Source(
        kind=KIND,
        model=Solution,
        watched=("title", "summary", "description", "audience", "organisation_id", "themes"),
        rows=_rows,
        followers=(
            Follower(
                Organisation,
                ("name",),
                lambda ids: sa.select(Solution.id).where(Solution.organisation_id.in_(ids)),
            ),
            Follower(
                Theme,
                ("name",),
                lambda ids: sa.select(solution_themes.c.solution_id).where(
                    solution_themes.c.theme_id.in_(ids)
                ),
            ),
        ),
    )
)
