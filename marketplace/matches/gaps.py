"""What a challenge asks a solution to show that the solution does not yet show: the NICE
evidence standards tier, a passed DTAC assessment, DSPT standards met, a stated medical device
class. Each gap is one plain sentence a service lead can act on (ask the innovator) and an
innovator can fix. Maturity has a reason of its own (``ranking.maturity_reason``), which says
whether it meets what was asked or by how many stages it falls short.

Read from the two records already loaded to explain a fit: no query of its own."""

from __future__ import annotations

from challenges.models import Challenge
from marketplace.solutions.models import DsptStatus, DtacStatus, EsfTier, Solution

TIER_ORDER = [EsfTier.A, EsfTier.B, EsfTier.C]
DSPT_MET = {DsptStatus.MET, DsptStatus.EXCEEDED}


def evidence_gaps(challenge: Challenge, solution: Solution) -> list[str]:
    gaps = []
    wanted = challenge.evidence_tier_wanted
    if wanted is not None:
        tier = solution.esf_tier if solution.esf_tier in TIER_ORDER else None
        needs = (
            "The service needs evidence to the NICE evidence standards for tier "
            + wanted.value.upper()
        )
        if tier is None:
            gaps.append(f"{needs}; the solution has not been assessed against them.")
        elif TIER_ORDER.index(tier) < TIER_ORDER.index(EsfTier(wanted.value)):
            gaps.append(f"{needs}; the solution's evidence is to tier {tier.value.upper()}.")
    if challenge.wants_dtac and solution.dtac_status != DtacStatus.PASSED:
        gaps.append(
            "The service needs a passed DTAC assessment; the solution's is "
            + (solution.dtac_status.label.lower() if solution.dtac_status else "not stated")
            + "."
        )
    if challenge.wants_dspt and solution.dspt_status not in DSPT_MET:
        gaps.append(
            "The service needs Data Security and Protection Toolkit standards met; the "
            "solution's are "
            + (solution.dspt_status.label.lower() if solution.dspt_status else "not stated")
            + "."
        )
    if challenge.wants_device_class and solution.device_class is None:
        gaps.append(
            "The service needs the medical device class stated (or that it is not a device); "
            "the solution does not state it."
        )
    return gaps
