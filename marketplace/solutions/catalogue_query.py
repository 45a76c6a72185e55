"""The catalogue's one statement: every facet's counts, the total and the ids of one page.

The products on public view (joined to the search's hits, when there is a search) are read
once into a materialised CTE, with one boolean column per chosen facet saying whether the
product has a chosen value. Each facet then counts over the rows that pass every *other*
chosen facet, so a facet never narrows its own counts, and the page is the rows that pass
them all, best match (or A to Z) first. However many products there are, that is one
statement, and the search runs once: running it per facet cost a scan each.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from challenges.models import Theme
from marketplace.solutions.models import Solution, SolutionCareSetting, solution_themes

TEXT = sa.String


@dataclass
class Counted:
    """What the statement found: ``counts[facet][value] = (label, count)``, the total, and
    the page's product ids in order."""

    counts: dict[str, dict[str, tuple[str | None, int]]] = field(default_factory=dict)
    total: int = 0
    page_ids: list[int] = field(default_factory=list)


def count_and_page(
    session,
    *,
    public: sa.ColumnElement[bool],
    hits: sa.Subquery | None,
    chosen: dict[str, sa.ColumnElement[bool]],
    assured: sa.ColumnElement[bool],
    adopted: sa.ColumnElement[bool],
    chosen_theme_ids: list[int],
    offset: int,
    limit: int,
) -> Counted:
    score = hits.c.score if hits is not None else sa.literal(0.0, sa.Float)
    rows = sa.select(
        Solution.id.label("id"),
        Solution.title.label("title"),
        Solution.esf_tier.label("esf_tier"),
        Solution.device_class.label("device_class"),
        assured.label("assured"),
        adopted.label("adopted"),
        score.label("score"),
        *(condition.label(f"chosen_{facet}") for facet, condition in chosen.items()),
    ).where(public)
    if hits is not None:
        rows = rows.join(hits, hits.c.ref_id == Solution.id)
    base = rows.cte("catalogue").prefix_with("MATERIALIZED")

    def passing(skip: str | None = None) -> list:
        return [base.c[f"chosen_{facet}"] for facet in chosen if facet != skip]

    def branch(facet: str, value, label, count, source=base, where=(), group=()):
        statement = sa.select(
            sa.literal(facet, TEXT).label("facet"),
            sa.cast(value, TEXT).label("value"),
            sa.cast(label, TEXT).label("label"),
            count.label("n"),
        ).select_from(source)
        statement = statement.where(*where)
        return statement.group_by(*group) if group else statement

    counted = sa.func.count()

    def linked(column, skip: str):
        """A link table's rows for the products passing the other facets: probed from the
        products, so the database hashes those few thousand rows, not the whole link table."""
        return column.in_(sa.select(base.c.id).where(*passing(skip)))

    themed = solution_themes.join(Theme, Theme.id == solution_themes.c.theme_id)
    # Numbered after the limit, so that the database keeps only the best rows as it sorts.
    best = (
        sa.select(base.c.id, base.c.score, base.c.title)
        .where(*passing())
        .order_by(base.c.score.desc(), base.c.title, base.c.id)
        .offset(offset)
        .limit(limit)
        .subquery("best")
    )
    page = sa.select(
        best.c.id,
        sa.func.row_number()
        .over(order_by=(best.c.score.desc(), best.c.title, best.c.id))
        .label("position"),
    ).subquery("page")
    statement = sa.union_all(
        branch("total", sa.null(), sa.null(), counted, where=passing()),
        branch(
            "esf_tier",
            base.c.esf_tier,
            sa.null(),
            counted,
            where=passing("esf_tier"),
            group=(base.c.esf_tier,),
        ),
        branch(
            "device_class",
            base.c.device_class,
            sa.null(),
            counted,
            where=passing("device_class"),
            group=(base.c.device_class,),
        ),
        branch(
            "setting",
            SolutionCareSetting.setting,
            sa.null(),
            counted,
            source=SolutionCareSetting.__table__,
            where=(linked(SolutionCareSetting.solution_id, "setting"),),
            group=(SolutionCareSetting.setting,),
        ),
        branch(
            "theme",
            Theme.id,
            Theme.name,
            counted,
            source=themed,
            where=(linked(solution_themes.c.solution_id, "theme"),),
            group=(Theme.id, Theme.name),
        ),
        # A ticked theme stays on the list, to be unticked, even when nothing has it.
        branch(
            "theme",
            Theme.id,
            Theme.name,
            sa.literal(0),
            source=Theme.__table__,
            where=(Theme.id.in_(chosen_theme_ids),),
        ),
        branch(
            "assurance",
            sa.literal("complete"),
            sa.null(),
            counted,
            where=(*passing("assurance"), base.c.assured),
        ),
        branch(
            "adopted",
            sa.literal("yes"),
            sa.null(),
            counted,
            where=(*passing("adopted"), base.c.adopted),
        ),
        branch("page", page.c.id, sa.null(), page.c.position, source=page),
    )
    found = Counted()
    positions = {}
    for facet, value, label, n in session.execute(statement):
        if facet == "total":
            found.total = n
        elif facet == "page":
            positions[int(value)] = n
        elif value is not None:
            label_and_count = found.counts.setdefault(facet, {}).get(value, (label, 0))
            found.counts[facet][value] = (label, max(label_and_count[1], n))
    found.page_ids = sorted(positions, key=positions.get)
    return found
