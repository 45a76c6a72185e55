"""Fusion weights learned from the decisions people took on ranked lists.

Every decision on a fit keeps the normalised signals its score was the weighted sum of
(``Match.features``) and where it stood on the list. A shortlisted or accepted fit is a
positive, a dismissed one a negative. The weights are the coefficients of a logistic model of
that outcome, fitted with two rules:

- **Position is a cause of its own.** People shortlist what they see first and trust the top
  of a list, whatever its merits, so a fit's position (its logarithm) is a term of the model
  while fitting and is dropped when ranking. Without it the fit learns back the weights that
  made the list (see the tests with generated decisions).
- **Weights stay weights.** Each is at least 0 (a signal that counts against a match would
  be a surprise worth a person's look, not a fit's), and they are scaled so the three text
  weights add up to 1, as the engine's own do: scores and the calibrated bands keep their
  meaning.

Lists, not decisions, are held back: a quarter of them, chosen by a hash of the list's key so a
rerun holds back the same ones. On them, the new and the current weights each order the
pairs (a positive and a negative from the same list); the new weights are used only when they
order more pairs correctly in at least 95% of bootstrap resamples of the held-back lists, so a
lucky draw does not change the ranking everyone sees. Held-back labels carry the same position
bias, which favours the weights the lists were ranked by: the check is conservative.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
from scipy.optimize import minimize

from matching.engine import COMPONENTS, Weights

TEXT = ("dense", "late", "lexical")
HELD_SHARE = 0.25  # of the lists, held back to check new weights against the current ones
MINIMUM_DECISIONS = 200
MINIMUM_EACH = 20  # positives and negatives alike
MINIMUM_PAIRS = 20  # held-back pairs to compare on
RESAMPLES = 2000
CONFIDENCE = 0.95  # share of resamples in which the new weights must do better
L2 = 1.0  # keeps a weight the decisions say little about near 0 rather than anywhere


@dataclass(frozen=True)
class Decision:
    """One decision as learning sees it. ``group`` names the ranked list it was taken on
    (whose side, for which challenge or solution); ``position`` is 1 for the top of it."""

    group: str
    features: dict[str, float]
    position: int
    positive: bool


@dataclass(frozen=True)
class Outcome:
    """What a learning run found. ``learned`` and ``current`` are the shares of held-back
    pairs each set of weights orders correctly; ``better_in`` the share of bootstrap resamples
    of the held-back lists in which the learned weights order more; ``adopt`` when that share
    reaches ``CONFIDENCE``."""

    weights: Weights
    current: float
    learned: float
    pairs: int
    trained_on: int
    held_back: int
    position_effect: float  # the log-position coefficient (negative: lower down, fewer yeses)
    better_in: float

    @property
    def adopt(self) -> bool:
        return self.learned > self.current and self.better_in >= CONFIDENCE

    def figures(self) -> dict:
        return {
            "held_back_pairs": self.pairs,
            "current_pairs_right": round(self.current, 4),
            "learned_pairs_right": round(self.learned, 4),
            "trained_on": self.trained_on,
            "held_back": self.held_back,
            "position_effect": round(self.position_effect, 4),
            "better_in": round(self.better_in, 4),
            "weights": asdict(self.weights),
        }


class NotEnough(ValueError):
    """Too few decisions to learn from, with a message saying what is missing."""


def learn(
    decisions: Iterable[Decision],
    current: Weights,
    minimum: int = MINIMUM_DECISIONS,
    held_share: float = HELD_SHARE,
) -> Outcome:
    decisions = [d for d in decisions if d.position >= 1]
    positives = sum(d.positive for d in decisions)
    negatives = len(decisions) - positives
    if len(decisions) < minimum:
        raise NotEnough(
            f"{len(decisions)} decisions with their signals recorded; learning needs {minimum}."
        )
    if min(positives, negatives) < MINIMUM_EACH:
        raise NotEnough(
            f"{positives} fits shortlisted or accepted and {negatives} dismissed; learning "
            f"needs at least {MINIMUM_EACH} of each."
        )
    train, held = split(decisions, held_share)
    current_lists = pairs_by_list(held, current)
    current_right, pairs = _share(current_lists)
    if pairs < MINIMUM_PAIRS:
        raise NotEnough(
            f"The held-back lists hold {pairs} pairs of a yes and a no; checking new weights "
            f"needs {MINIMUM_PAIRS}. More lists with both kinds of decision are needed."
        )
    if min(sum(d.positive for d in train), sum(not d.positive for d in train)) == 0:
        raise NotEnough("The lists learned from hold only one kind of decision.")
    weights, position_effect = fit(train, current)
    learned_lists = pairs_by_list(held, weights)
    learned_right, _ = _share(learned_lists)
    return Outcome(
        weights,
        current_right,
        learned_right,
        pairs,
        len(train),
        len(held),
        position_effect,
        better_in(learned_lists, current_lists),
    )


def split(decisions: list[Decision], held_share: float) -> tuple[list[Decision], list[Decision]]:
    """Whole lists held back, by a stable hash of the list's key."""
    cut = int(held_share * 2**32)
    train, held = [], []
    for decision in decisions:
        digest = hashlib.sha256(decision.group.encode()).digest()
        (held if int.from_bytes(digest[:4], "big") < cut else train).append(decision)
    return train, held


def pairs_right(decisions: list[Decision], weights: Weights) -> tuple[float, int]:
    """The share of (positive, negative) pairs from the same list that ``weights`` score in
    that order (a tie counts half), and how many pairs there are."""
    return _share(pairs_by_list(decisions, weights))


def pairs_by_list(decisions: list[Decision], weights: Weights) -> np.ndarray:
    """For each list with both kinds of decision (in order of the lists' keys): the pairs
    ``weights`` order correctly and the pairs there are."""
    lists: dict[str, tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    w = _vector(weights)
    for decision in decisions:
        score = float(_features(decision) @ w)
        lists[decision.group][0 if decision.positive else 1].append(score)
    counts = []
    for _key, (yes, no) in sorted(lists.items()):
        if yes and no:
            a, b = np.asarray(yes)[:, None], np.asarray(no)[None, :]
            counts.append((float((a > b).sum() + 0.5 * (a == b).sum()), float(a.size * b.size)))
    return np.asarray(counts, dtype=np.float64).reshape(-1, 2)


def better_in(learned: np.ndarray, current: np.ndarray, seed: int = 0) -> float:
    """The share of bootstrap resamples of the lists in which ``learned`` orders more pairs
    correctly than ``current`` (the same lists, from ``pairs_by_list``)."""
    if not len(learned):
        return 0.0
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(learned), size=(RESAMPLES, len(learned)))
    gain = (learned[:, 0] - current[:, 0])[picks].sum(axis=1)
    return float((gain > 0).mean())


def _share(counts: np.ndarray) -> tuple[float, int]:
    total = counts[:, 1].sum()
    return (float(counts[:, 0].sum() / total) if total else 0.0), int(total)


def fit(
    decisions: list[Decision], current: Weights, position_bias: bool = True
) -> tuple[Weights, float]:
    """The weights of a logistic model of the decisions (see the module's docstring), and the
    position term's coefficient (0 when ``position_bias`` is off)."""
    x = np.vstack([_features(d) for d in decisions])
    y = np.array([d.positive for d in decisions], dtype=np.float64)
    position = np.log([float(d.position) for d in decisions]) if position_bias else None
    n_features = x.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights, intercept, slope = theta[:n_features], theta[n_features], theta[-1]
        logit = x @ weights + intercept + (slope * position if position is not None else 0.0)
        # log(1 + e^z) - y z, written to stay finite for large |z|
        value = np.logaddexp(0.0, logit) - y * logit
        residual = 1.0 / (1.0 + np.exp(-logit)) - y
        gradient = np.empty_like(theta)
        gradient[:n_features] = x.T @ residual + L2 * weights
        gradient[n_features] = residual.sum()
        gradient[-1] = residual @ position if position is not None else 0.0
        return float(value.sum() + 0.5 * L2 * weights @ weights), gradient

    start = np.concatenate([_vector(current), [0.0, 0.0]])
    bounds = [(0.0, None)] * n_features + [(None, None), (None, None)]
    found = minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds)
    theta = found.x
    text = sum(theta[COMPONENTS.index(name)] for name in TEXT)
    if text <= 1e-9:
        return current, float(theta[-1])  # the text says nothing: nothing to change
    scaled = {name: round(float(theta[i] / text), 4) for i, name in enumerate(COMPONENTS)}
    return Weights(**scaled), float(theta[-1])


def _features(decision: Decision) -> np.ndarray:
    return np.array([decision.features.get(name, 0.0) for name in COMPONENTS], dtype=np.float64)


def _vector(weights: Weights) -> np.ndarray:
    return np.array([getattr(weights, name) for name in COMPONENTS], dtype=np.float64)
