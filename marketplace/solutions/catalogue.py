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

from marketplace.db import uk_today
from marketplace.errors import Invalid
from marketplace.pagination import MAX_PAGE, Page
from marketplace.search import engine
from marketplace.search.engine import Highlight
from marketplace.search.query import SearchQuery
from marketplace.solutions.catalogue_query import count_and_page
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
    """Published, not withdrawn and market-ready. The state is written into the statement,
    not bound, so that SQLite sees it matches the catalogue's partial index."""
    return sa.and_(
        Solution.published_at.is_not(None),
        Solution.withdrawn_at.is_(None),
        Solution.maturity
        == sa.literal(Maturity.MARKET_READY, Solution.maturity.type, literal_execute=True),
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
    page = min(max(1, page), MAX_PAGE)
    today = uk_today()
    found = count_and_page(
        session,
        public=on_public_view(),
        hits=engine.matching(session, KIND, query) if query.words else None,
        chosen={f: _condition(f, filters.values(f), today) for f in FACETS if filters.values(f)},
        assured=assurance_complete(today),
        adopted=in_use(),
        chosen_theme_ids=_theme_ids(filters.values("theme")),
        offset=(page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    products = {
        s.id: s
        for s in session.scalars(
            sa.select(Solution)
            .where(Solution.id.in_(found.page_ids))
            .options(
                selectinload(Solution.themes),
                selectinload(Solution.care_setting_rows),
                selectinload(Solution.organisation),
            )
        )
    }
    items = [products[i] for i in found.page_ids if i in products]
    return CatalogueResult(
        Page(items, page, PER_PAGE, found.total),
        {f: _facet(f, found.counts.get(f, {}), filters.values(f)) for f in FACETS},
        query,
        engine.highlights(session, KIND, query, found.page_ids),
    )


def _theme_ids(values: frozenset[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit() and 0 < int(v) <= LARGEST_ID]


def _condition(facet: str, values: frozenset[str], today: date) -> sa.ColumnElement[bool]:
    """The products that have any of the chosen values; values that do not exist match none."""
    if facet == "theme":
        return Solution.id.in_(
            sa.select(solution_themes.c.solution_id).where(
                solution_themes.c.theme_id.in_(_theme_ids(values))
            )
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
    expression = assurance_complete(today) if facet == "assurance" else in_use()
    key = ASSURED[0] if facet == "assurance" else ADOPTED[0]
    return expression if key in values else sa.false()


def _facet(facet: str, counts: dict, chosen: frozenset[str]) -> list[FacetValue]:
    """Each value of one facet with its count: every value of a fixed list, the themes that
    some product has (or that are ticked)."""
    if facet == "theme":
        themes = sorted(counts.items(), key=lambda item: (item[1][0] or "").lower())
        return [FacetValue(v, label, n, v in chosen) for v, (label, n) in themes]
    if facet in ENUM_FACETS:
        return [
            FacetValue(m.value, m.label, counts.get(m.value, (None, 0))[1], m.value in chosen)
            for m in ENUM_FACETS[facet]
        ]
    value, label = ASSURED if facet == "assurance" else ADOPTED
    return [FacetValue(value, label, counts.get(value, (None, 0))[1], value in chosen)]


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
