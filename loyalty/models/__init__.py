"""The loyalty schema, by concern: tiers and membership, ledgers, grants, message texts."""

from .grants import (
    AuthorityLimit,
    Coupon,
    GrantSource,
    GrantStatus,
    LoyaltySettings,
    NoticeBudget,
    StoreCreditGrant,
)
from .ledgers import PointsEntry, StoreCreditEntry, Wallet
from .messages import MessageKind, MessageTemplate, MilestoneSent
from .tiers import (
    Downgrade,
    Membership,
    OrderSync,
    QualifyBy,
    Tier,
    TierAward,
    TierChange,
    TierQuerySet,
)

__all__ = [
    "AuthorityLimit", "Coupon", "Downgrade", "GrantSource", "GrantStatus", "LoyaltySettings",
    "Membership", "MessageKind", "MessageTemplate", "MilestoneSent", "NoticeBudget", "OrderSync",
    "PointsEntry", "QualifyBy", "StoreCreditEntry", "StoreCreditGrant", "Tier", "TierAward",
    "TierChange", "TierQuerySet", "Wallet",
]
