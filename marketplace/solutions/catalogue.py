"""The public adopters' catalogue: market-ready products, searched and faceted.

Filtering and facet counts happen in Python over the market-ready set found by the text search:
a partnership lists hundreds of products, not millions, and this keeps every facet's count
honest (each counts what the other filters leave, as people expect from faceted search).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from challenges.queries import search_terms
from marketplace.db import uk_today
from marketplace.pagination import Page
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
)

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


def assurance_complete(solution: Solution, today: date | None = None) -> bool:
    """DTAC passed, DSPT met, Cyber Essentials held and a clinical safety case in place, with
    nothing expired."""
    today = today or uk_today()
    return (
        solution.dtac_status == DtacStatus.PASSED
        and solution.dspt_status in {DsptStatus.MET, DsptStatus.EXCEEDED}
        and solution.cyber_essentials in {CyberEssentials.BASIC, CyberEssentials.PLUS}
        and bool(solution.dcb0129_in_place)
        and not (solution.dspt_expiry and solution.dspt_expiry < today)
        and not (solution.cyber_essentials_expiry and solution.cyber_essentials_expiry < today)
    )


def search(session: Session, filters: CatalogueFilters, page: int = 1) -> CatalogueResult:
    candidates = _market_ready(session, filters.text)
    adopted = _adopted_ids(session)
    tags = {s.id: _tags(s, adopted) for s in candidates}

    def matches(solution: Solution, skip: str | None = None) -> bool:
        return all(
            not filters.values(facet) or filters.values(facet) & tags[solution.id][facet]
            for facet in FACETS
            if facet != skip
        )

    facets = {}
    for facet in FACETS:
        counts = Counter(v for s in candidates if matches(s, skip=facet) for v in tags[s.id][facet])
        facets[facet] = [
            FacetValue(value, label, counts.get(value, 0), value in filters.values(facet))
            for value, label in _facet_labels(candidates, facet)
        ]
    results = [s for s in candidates if matches(s)]
    page = max(1, min(page, 100_000))
    start = (page - 1) * PER_PAGE
    return CatalogueResult(
        Page(
            items=results[start : start + PER_PAGE],
            page=page,
            per_page=PER_PAGE,
            total=len(results),
        ),
        facets,
    )


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


def _market_ready(session: Session, text: str | None) -> list[Solution]:
    statement = (
        sa.select(Solution)
        .options(
            selectinload(Solution.themes),
            selectinload(Solution.care_setting_rows),
            selectinload(Solution.organisation),
        )
        .where(
            Solution.published_at.is_not(None),
            Solution.withdrawn_at.is_(None),
            Solution.maturity == Maturity.MARKET_READY,
        )
        .order_by(Solution.title, Solution.id)
    )
    columns = (Solution.title, Solution.summary, Solution.description, Solution.audience)
    for term in search_terms(text):
        statement = statement.where(
            sa.or_(*(sa.func.lower(c).like(f"%{term}%", escape="\\") for c in columns))
        )
    return list(session.scalars(statement))


def _adopted_ids(session: Session) -> set[int]:
    statement = sa.select(Adoption.solution_id).where(
        Adoption.stage.in_([AdoptionStage.PILOTING, AdoptionStage.USING])
    )
    return set(session.scalars(statement))


def _tags(solution: Solution, adopted: set[int]) -> dict[str, set[str]]:
    return {
        "theme": {str(t.id) for t in solution.themes},
        "setting": {s.value for s in solution.care_settings},
        "esf_tier": {solution.esf_tier.value} if solution.esf_tier else set(),
        "device_class": {solution.device_class.value} if solution.device_class else set(),
        "assurance": {"complete"} if assurance_complete(solution) else set(),
        "adopted": {"yes"} if solution.id in adopted else set(),
    }


def _facet_labels(candidates: list[Solution], facet: str) -> list[tuple[str, str]]:
    if facet == "theme":
        themes = {t.id: t.name for s in candidates for t in s.themes}
        return sorted(((str(i), n) for i, n in themes.items()), key=lambda p: p[1])
    if facet in ENUM_FACETS:
        return ENUM_FACETS[facet].choices()
    if facet == "assurance":
        return [("complete", "Assurance complete and in date")]
    return [("yes", "Piloted or used in the partnership")]
