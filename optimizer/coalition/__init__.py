"""Coalition mode: a coordinated decontrol package for the US and chosen allies.

Each member's unlocked exports per item are estimated from its own trade (`values`); the package
maximises the smallest relative gain among members under the risk budget, then their total
(`model`), and is shown next to the US-only optimum under the same budget (`package`, `result`).
"""

from optimizer.coalition.package import coalition_package
from optimizer.coalition.result import CoalitionResult, MemberGain, PackageItem, PackageSide
from optimizer.coalition.values import check_members, member_values, wide_values

__all__ = [
    "CoalitionResult",
    "MemberGain",
    "PackageItem",
    "PackageSide",
    "check_members",
    "coalition_package",
    "member_values",
    "wide_values",
]
