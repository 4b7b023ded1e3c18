"""Every loyalty state change, one function per use case; views, the API, tasks and the
command call these. The functions other apps call are re-exported here:

- grant_coupon(*, customer, granted_by, ticket=None, percent_off=None, amount_off=None,
  expires_at=None, reason, source="agent") -> Coupon
- grant_store_credit(*, customer, granted_by, amount, ticket=None, order=None, reason,
  source="agent", kind="goodwill") -> StoreCreditGrant
"""

from .grants import (
    ApprovalError,
    CouponNotUsable,
    NoticeBudgetExceeded,
    approve_grant,
    grant_coupon,
    grant_store_credit,
    redeem_coupon,
    reject_grant,
)
from .ledgers import (
    InsufficientBalance,
    adjust_points,
    adjust_store_credit,
    after_customer_merge,
    expire_points,
    redeem_points,
    spend_store_credit,
    sync_order_points,
)
from .orders import handle_order_changed, handle_orders_changed, settle_without_messages
from .tiers import award_tier, recompute_all, recompute_customer, recompute_customers, tier_for

__all__ = [
    "ApprovalError", "CouponNotUsable", "InsufficientBalance", "NoticeBudgetExceeded",
    "adjust_points", "adjust_store_credit", "after_customer_merge", "approve_grant",
    "award_tier", "expire_points",
    "grant_coupon", "grant_store_credit", "handle_order_changed", "handle_orders_changed",
    "recompute_all",
    "recompute_customer", "recompute_customers", "redeem_coupon", "redeem_points",
    "reject_grant", "settle_without_messages", "spend_store_credit", "sync_order_points",
    "tier_for",
]
