"""The public adopters' catalogue: market-ready products, searched and faceted.

The database does the filtering and the counting: each facet is one GROUP BY over the products
that the search and every other facet's choices leave (as people expect of faceted search, a
facet never narrows its own counts), so a page costs the same handful of statements however
many products the partnership lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.models import Theme
from marketplace.db import uk_today
from marketplace.errors import Invalid
from marketplace.pagination import Page
from marketplace.search import engine
from marketplace.search.engine import Highlight
from marketplace.search.listing import search_listing
from marketplace.search.query import SearchQuery
from marketplace.solutions.models import (
    Adoption,
    AdoptionStage,
    CareSetting,
    CyberEssentials,
    DeviceClass,
    DsptStatus,
    DtacStatus,
    EsfTier,
    Maturity,
    Solution,
    SolutionCareSetting,
    solution_themes,
)
from marketplace.solutions.search import KIND

COMPARE_LIMIT = 4
PER_PAGE = 20
FACETS = ("theme", "setting", "esf_tier", "device_class", "assurance", "adopted")
ENUM_FACETS = {"setting": CareSetting, "esf_tier": EsfTier, "device_class": DeviceClass}
FACET_TITLES = {
    "theme": "Theme",
    "setting": "Care setting",
    "esf_tier": "NICE evidence tier",
    "device_class": "Medical device class",
    "assurance": "Assurance",
    "adopted": "Use in the partnership",
}
ASSURED = ("complete", "Assurance complete and in date")
ADOPTED = ("yes", "Piloted or used in the partnership")
LARGEST_ID = 2**31 - 1


@dataclass(frozen=True)
class CatalogueFilters:
    text: str | None = None
    chosen: dict[str, frozenset[str]] = field(default_factory=dict)

    def values(self, facet: str) -> frozenset[str]:
        return self.chosen.get(facet, frozenset())


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class CatalogueResult:
    page: Page
    facets: dict[str, list[FacetValue]]
    query: SearchQuery
    highlights: dict[int, Highlight] = field(default_factory=dict)

    def checked(self) -> CatalogueResult:
        """This result, for an edge that reports bad input as an error (the JSON API)."""
        if self.query.problem:
            raise Invalid({"q": self.query.problem})
        return self


def on_public_view() -> sa.ColumnElement[bool]:
    return sa.and_(
        Solution.published_at.is_not(None),
        Solution.withdrawn_at.is_(None),
        Solution.maturity == Maturity.MARKET_READY,
    )


def assurance_complete(today: date | None = None) -> sa.ColumnElement[bool]:
    """DTAC passed, DSPT met, Cyber Essentials held and a clinical safety case in place, with
    nothing expired: the one statement of the rule, for lists and single products alike."""
    today = today or uk_today()
    return sa.and_(
        Solution.dtac_status == DtacStatus.PASSED,
        Solution.dspt_status.in_([DsptStatus.MET, DsptStatus.EXCEEDED]),
        Solution.cyber_essentials.in_([CyberEssentials.BASIC, CyberEssentials.PLUS]),
        Solution.dcb0129_in_place.is_(True),
        sa.or_(Solution.dspt_expiry.is_(None), Solution.dspt_expiry >= today),
        sa.or_(
            Solution.cyber_essentials_expiry.is_(None), Solution.cyber_essentials_expiry >= today
        ),
    )


def assured_ids(session: Session, ids: list[int]) -> set[int]:
    """Which of these products have their assurance complete and in date."""
    if not ids:
        return set()
    return set(
        session.scalars(sa.select(Solution.id).where(Solution.id.in_(ids), assurance_complete()))
    )


def in_use() -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Adoption.solution_id == Solution.id,
        Adoption.stage.in_([AdoptionStage.PILOTING, AdoptionStage.USING]),
    )


def search(session: Session, filters: CatalogueFilters, page: int = 1) -> CatalogueResult:
    query = SearchQuery.parse(filters.text)
    if query.problem:
        return CatalogueResult(Page([], 1, PER_PAGE, 0), {}, query)
    hits = engine.matching(session, KIND, query) if query.words else None
    chosen = {f: _condition(f, filters.values(f)) for f in FACETS if filters.values(f)}

    def products(skip: str | None = None) -> sa.Select:
        statement = sa.select(Solution.id).where(on_public_view())
        if hits is not None:
            statement = statement.join(hits, hits.c.ref_id == Solution.id)
        return statement.where(*(c for f, c in chosen.items() if f != skip))

    facets = {f: _facet(session, f, products(skip=f), filters.values(f)) for f in FACETS}
    listing = (
        sa.select(Solution)
        .options(
            selectinload(Solution.themes),
            selectinload(Solution.care_setting_rows),
            selectinload(Solution.organisation),
        )
        .where(on_public_view(), *chosen.values())
    )
    found = search_listing(
        session,
        listing,
        kind=KIND,
        id_column=Solution.id,
        query=query,
        order=(Solution.title, Solution.id),
        page=page,
        per_page=PER_PAGE,
    )
    return CatalogueResult(found.page, facets, query, found.highlights)


def _condition(facet: str, values: frozenset[str]) -> sa.ColumnElement[bool]:
    """The products that have any of the chosen values; values that do not exist match none."""
    if facet == "theme":
        ids = [int(v) for v in values if v.isdigit() and 0 < int(v) <= LARGEST_ID]
        return Solution.id.in_(
            sa.select(solution_themes.c.solution_id).where(solution_themes.c.theme_id.in_(ids))
        )
    if facet in ENUM_FACETS:
        members = [m for m in ENUM_FACETS[facet] if m.value in values]
        if facet == "setting":
            return Solution.id.in_(
                sa.select(SolutionCareSetting.solution_id).where(
                    SolutionCareSetting.setting.in_(members)
                )
            )
        return getattr(Solution, facet).in_(members)
    expression = assurance_complete() if facet == "assurance" else in_use()
    key = ASSURED[0] if facet == "assurance" else ADOPTED[0]
    return expression if key in values else sa.false()


def _facet(session: Session, facet: str, products: sa.Select, chosen: frozenset[str]):
    """Each value of one facet with how many of ``products`` have it."""
    if facet == "theme":
        chosen_ids = [int(v) for v in chosen if v.isdigit() and 0 < int(v) <= LARGEST_ID]
        found = sa.func.count(solution_themes.c.solution_id)
        counts = session.execute(
            sa.select(Theme.id, Theme.name, found)
            .outerjoin(
                solution_themes,
                sa.and_(
                    solution_themes.c.theme_id == Theme.id,
                    solution_themes.c.solution_id.in_(products),
                ),
            )
            .group_by(Theme.id, Theme.name)
            .having(sa.or_(found > 0, Theme.id.in_(chosen_ids)))  # a ticked box stays to untick
            .order_by(Theme.name)
        ).all()
        return [FacetValue(str(i), name, n, str(i) in chosen) for i, name, n in counts]
    if facet in ENUM_FACETS:
        column = SolutionCareSetting.setting if facet == "setting" else getattr(Solution, facet)
        owner = SolutionCareSetting.solution_id if facet == "setting" else Solution.id
        counts = dict(
            session.execute(
                sa.select(column, sa.func.count()).where(owner.in_(products)).group_by(column)
            ).all()
        )
        return [
            FacetValue(m.value, m.label, counts.get(m, 0), m.value in chosen)
            for m in ENUM_FACETS[facet]
        ]
    value, label = ASSURED if facet == "assurance" else ADOPTED
    expression = assurance_complete() if facet == "assurance" else in_use()
    count = session.scalar(
        sa.select(sa.func.count())
        .select_from(Solution)
        .where(Solution.id.in_(products), expression)
    )
    return [FacetValue(value, label, count or 0, value in chosen)]


def listed(session: Session, solution_id: int | None) -> Solution | None:
    """A product on public view: published and market-ready, or nothing."""
    solution = session.get(Solution, solution_id) if isinstance(solution_id, int) else None
    if solution is None or not solution.is_listed_publicly:
        return None
    return solution


def for_comparison(session: Session, ids: list[int]) -> list[Solution]:
    wanted = list(dict.fromkeys(i for i in ids if isinstance(i, int) and 0 < i < 2**31))
    wanted = wanted[:COMPARE_LIMIT]
    found = {s.id: s for s in session.scalars(sa.select(Solution).where(Solution.id.in_(wanted)))}
    return [found[i] for i in wanted if i in found and found[i].is_listed_publicly]


def adoptions_of(session: Session, solution: Solution) -> list[Adoption]:
    return list(
        session.scalars(
            sa.select(Adoption)
            .where(Adoption.solution_id == solution.id, Adoption.stage != AdoptionStage.STOPPED)
            .order_by(Adoption.start_date.desc())
        )
    )
