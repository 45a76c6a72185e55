"""What of a test-bed agreement the register's search finds: its title, the organisations on
both sides and the product, and its public summary."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from marketplace.accounts.models import Organisation
from marketplace.search.index import Follower, Source, joined, register
from marketplace.solutions.models import Solution
from procurement.testbeds.models import Agreement

KIND = "agreement"


def _rows() -> sa.Select:
    host = aliased(Organisation)
    innovator = aliased(Organisation)
    return (
        sa.select(
            Agreement.id.label("ref_id"),
            Agreement.title.label("title"),
            joined(host.name, innovator.name, Solution.title).label("names"),
            sa.literal("").label("themes"),
            joined(Agreement.public_summary, Agreement.host_site).label("body"),
        )
        .join(host, host.id == Agreement.host_organisation_id)
        .join(innovator, innovator.id == Agreement.innovator_organisation_id)
        .join(Solution, Solution.id == Agreement.solution_id)
    )


SOURCE = register(
    Source(
        kind=KIND,
        model=Agreement,
        watched=(
            "title",
            "public_summary",
            "host_site",
            "host_organisation_id",
            "innovator_organisation_id",
            "solution_id",
        ),
        rows=_rows,
        followers=(
            Follower(
                Organisation,
                ("name",),
                lambda ids: sa.select(Agreement.id).where(
                    sa.or_(
                        Agreement.host_organisation_id.in_(ids),
                        Agreement.innovator_organisation_id.in_(ids),
                    )
                ),
            ),
            Follower(
                Solution,
                ("title",),
                lambda ids: sa.select(Agreement.id).where(Agreement.solution_id.in_(ids)),
            ),
        ),
    )
)
