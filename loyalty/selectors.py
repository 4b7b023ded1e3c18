"""Read paths for loyalty pages and other apps, written for their query count."""

from decimal import Decimal

from .models import Wallet


def balances(customer) -> dict:
    """{"points": int, "store_credit": Decimal} (zero for a customer without a wallet)."""
    wallet = Wallet.objects.filter(customer_id=customer.pk).values("points",
                                                                    "store_credit").first()
    if wallet is None:
        return {"points": 0, "store_credit": Decimal("0.00")}
    return {"points": wallet["points"], "store_credit": wallet["store_credit"]}
