"""Bands a service lead can trust: "strong" and "good" mean what they were measured to mean.

A band needs two things at once. The blended score (0 to about 1.15, see ``matching.engine``)
says how far a fit stands out among the candidates: near 1 it leads on meaning and shared words
alike. The passage cosine says whether the two texts are about the same thing at all, which a
relative score cannot say when every candidate is weak. Among few candidates standing out says
little, so the cosine decides alone.

Measured with ``marketplace matching evaluate`` over the ten best fits of each nhs-dev need
(titles alone as queries in brackets), as the share judged relevant and, after the slash, the
share judged to address the need directly:

- strong (score at least 0.8, cosine at least 0.4): 98% / 67% (88% / 57%);
- good (score at least 0.6, cosine at least 0.4): 52% / 8% (44% / 4%);
- possible, the rest: 4% / 0% (13% / 4%).

Among fewer than five candidates: strong from a cosine of 0.6, good from 0.5 (of the top ten
fits above, 98% and 82% relevant at those cosines).
"""

from __future__ import annotations

from matching.engine import Match

BANDS = ("strong", "good", "possible")
SMALL_POOL = 5
STRONG_SCORE, GOOD_SCORE, LEAST_COSINE = 0.8, 0.6, 0.4
STRONG_COSINE_ALONE, GOOD_COSINE_ALONE = 0.6, 0.5


def band(match: Match, pool: int) -> str:
    dense = match.components["dense"]
    if pool < SMALL_POOL:
        if dense >= STRONG_COSINE_ALONE:
            return "strong"
        return "good" if dense >= GOOD_COSINE_ALONE else "possible"
    if dense < LEAST_COSINE:
        return "possible"
    if match.score >= STRONG_SCORE:
        return "strong"
    return "good" if match.score >= GOOD_SCORE else "possible"
