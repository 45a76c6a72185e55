"""One way to page through a query, for pages and the API alike."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # far beyond any listing; keeps offsets within what databases accept


@dataclass(frozen=True)
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(session: Session, statement: sa.Select, page: int = 1, per_page: int = 20) -> Page:
    page = min(max(1, page), MAX_PAGE)
    per_page = min(max(1, per_page), MAX_PER_PAGE)
    total = session.scalar(
        sa.select(sa.func.count()).select_from(statement.order_by(None).subquery())
    )
    items = session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)
