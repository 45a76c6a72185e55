"""Learning fusion weights from decisions whose ground truth is known: lists ranked by one set
of weights, decided by people who value the signals by another and trust the top of a list."""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
import pytest

from matching.engine import COMPONENTS, Weights
from matching.learning import Decision, NotEnough, fit, learn, pairs_right, split

# What the people deciding value: the words the texts share, much more than their meaning.
TRUTH = Weights(dense=0.1, late=0.1, lexical=0.8, themes=0.3, maturity=0.0)
SHOWN_BY = Weights()  # the weights the lists were ranked by


def generated(
    truth=TRUTH,
    shown_by=SHOWN_BY,
    lists=160,
    per_list=30,
    seen=12,
    trust=1.0,
    seed=7,
    sharpness=10.0,
) -> list[Decision]:
    """Each list: candidates with random signals, ranked by ``shown_by``; the top ``seen`` are
    decided, yes with a chance that grows with their worth under ``truth`` and falls with
    their position (``trust``: how much the top of the list is believed for its own sake;
    ``sharpness``: how surely people tell a good fit from a poor one)."""
    rng = np.random.default_rng(seed)
    decisions = []
    for group in range(lists):
        dense = rng.random(per_list)
        signals = {
            "dense": dense,
            "late": np.clip(0.6 * dense + 0.4 * rng.random(per_list), 0, 1),
            "lexical": rng.random(per_list),
            "themes": rng.choice([0.0, 0.5, 1.0], per_list),
            "maturity": rng.choice([0.0, 1.0], per_list),
        }
        rows = [{name: float(signals[name][i]) for name in COMPONENTS} for i in range(per_list)]

        def score(row, weights):
            return sum(getattr(weights, name) * row[name] for name in COMPONENTS)

        shown = sorted(rows, key=lambda row: -score(row, shown_by))[:seen]
        for position, row in enumerate(shown, start=1):
            logit = sharpness * (score(row, truth) - 0.65) - trust * np.log(position)
            yes = rng.random() < 1 / (1 + np.exp(-logit))
            decisions.append(Decision(f"service:{group}", row, position, bool(yes)))
    return decisions


def distance(a: Weights, b: Weights) -> float:
    return float(
        sum(abs(x - y) for x, y in zip(asdict(a).values(), asdict(b).values(), strict=True))
    )


def test_learned_weights_find_what_people_value_and_beat_the_current_ones():
    outcome = learn(generated(), SHOWN_BY)

    assert outcome.adopt
    assert outcome.learned > outcome.current + 0.05
    assert outcome.better_in >= 0.95
    assert outcome.pairs >= 100
    weights = outcome.weights
    assert max(asdict(weights), key=asdict(weights).get) == "lexical"
    assert weights.dense + weights.late + weights.lexical == pytest.approx(1.0, abs=1e-3)
    assert distance(weights, TRUTH) < distance(SHOWN_BY, TRUTH) / 2
    assert outcome.position_effect < 0
    assert outcome.trained_on + outcome.held_back == len(generated())


def test_weights_that_already_rank_as_people_decide_are_kept():
    """Decisions made by the very weights in use: whatever new weights order better on the
    held-back lists is luck, and is not taken for an improvement."""
    for seed in (3, 4, 5):
        outcome = learn(generated(truth=SHOWN_BY, trust=0.0, seed=seed), SHOWN_BY)
        assert not outcome.adopt, outcome
        assert outcome.better_in < 0.95
        assert abs(outcome.learned - outcome.current) < 0.03


def test_position_is_accounted_for():
    """When people trust the top of the list, a fit that ignores position learns back the
    weights the lists were ranked by; with position as a cause of its own it finds the truth."""
    decisions = generated(trust=3.0, seed=11)
    with_position, effect = fit(decisions, SHOWN_BY)
    without_position, none = fit(decisions, SHOWN_BY, position_bias=False)
    assert effect < -1.0
    assert none == 0.0
    assert distance(with_position, TRUTH) < distance(without_position, TRUTH)
    assert with_position.lexical > without_position.lexical


def test_whole_lists_are_held_back_and_always_the_same_ones():
    decisions = generated(lists=80)
    train, held = split(decisions, 0.25)
    assert {d.group for d in train}.isdisjoint({d.group for d in held})
    assert 0.1 < len({d.group for d in held}) / 80 < 0.4
    assert split(decisions, 0.25) == (train, held)


def test_pairs_are_compared_within_a_list_only():
    a = Decision("a", {"lexical": 1.0}, 1, True)
    b = Decision("a", {"lexical": 0.0}, 2, False)
    c = Decision("b", {"lexical": 2.0}, 1, False)  # another list: never compared with a
    assert pairs_right([a, b, c], Weights()) == (1.0, 1)
    tie = Decision("a", {"lexical": 1.0}, 3, False)
    assert pairs_right([a, tie], Weights()) == (0.5, 1)


@pytest.mark.parametrize(
    ("decisions", "message"),
    [
        (generated(lists=10), "decisions with their signals recorded; learning needs 200"),
        (
            [Decision(f"l{i}", {"lexical": 1.0}, 1, True) for i in range(300)],
            "300 fits shortlisted or accepted and 0 dismissed",
        ),
        (
            # every list has one kind of decision only: nothing to compare on
            [Decision(f"l{i}", {"lexical": 1.0}, 1, i % 2 == 0) for i in range(300)],
            "The held-back lists hold 0 pairs",
        ),
    ],
)
def test_too_few_decisions_are_refused_with_what_is_missing(decisions, message):
    with pytest.raises(NotEnough, match=message):
        learn(decisions, SHOWN_BY)


def test_decisions_without_a_position_are_left_out():
    decisions = generated(lists=10) + [Decision("x", {"lexical": 1.0}, 0, True)] * 500
    with pytest.raises(NotEnough, match="decisions with their signals recorded"):
        learn(decisions, SHOWN_BY)
