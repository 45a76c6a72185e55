"""Which indexed documents may be matched, as boolean masks over the index's slots.

The status of every document is kept beside the index (see ``documents.State``), so these
rules are vectorised passes rather than queries returning every id. They mirror the statuses
the models derive from their timestamps (``Solution.status``, ``Challenge.status``).
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

from marketplace.db import uk_today
from marketplace.matches.documents import State
from marketplace.solutions.models import Maturity
from matching.engine import MATURITY_ORDER, Engine


def _state(engine: Engine) -> np.ndarray:
    return engine.facts.filters.get("state", np.zeros(engine.n_slots, dtype=np.int64))


def _has(engine: Engine, flag: int) -> np.ndarray:
    return (_state(engine) & flag) != 0


def published_solutions(
    engine: Engine, maturity: Collection[Maturity] = (), theme_id: int | None = None
) -> np.ndarray:
    """Published, not withdrawn, and within the filters."""
    mask = _has(engine, State.PUBLISHED) & ~_has(engine, State.WITHDRAWN)
    if maturity:
        codes = [MATURITY_ORDER.index(m.value) for m in maturity]
        mask &= np.isin(engine.facts.maturity, codes)
    if theme_id:
        mask &= _theme(engine, theme_id)
    return mask


def open_challenges(engine: Engine, theme_id: int | None = None) -> np.ndarray:
    """Challenges an innovator can still respond to: published, not closed, withdrawn or
    archived, and not past their closing date (a UK day)."""
    mask = _has(engine, State.PUBLISHED) & ~_has(
        engine, State.CLOSED | State.WITHDRAWN | State.ARCHIVED
    )
    closing = engine.facts.filters.get("closing", np.zeros(engine.n_slots, dtype=np.int64))
    mask &= (closing == 0) | (closing >= uk_today().toordinal())
    if theme_id:
        mask &= _theme(engine, theme_id)
    return mask


def published_challenges(engine: Engine) -> np.ndarray:
    """Every challenge ever published and not withdrawn (closed ones too): what a new
    challenge might repeat."""
    return _has(engine, State.PUBLISHED) & ~_has(engine, State.WITHDRAWN)


def excluding(engine: Engine, mask: np.ndarray, ids: Collection[int]) -> np.ndarray:
    return _set(engine, mask, ids, False)


def including(engine: Engine, mask: np.ndarray, ids: Collection[int]) -> np.ndarray:
    return _set(engine, mask, ids, True)


def _set(engine: Engine, mask: np.ndarray, ids: Collection[int], value: bool) -> np.ndarray:
    slots = engine.slots_of([str(i) for i in ids])
    if slots.size:
        mask = mask.copy()
        mask[slots] = value
    return mask


def _theme(engine: Engine, theme_id: int) -> np.ndarray:
    members = engine.facts.themes.get(str(theme_id))
    return members if members is not None else np.zeros(engine.n_slots, dtype=bool)
