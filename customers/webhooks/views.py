"""The webhook endpoints: thin wrappers around customers.webhooks.receipt.receive."""

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from customers.models import WebhookSource

from . import receipt
from .errors import PayloadError, SignatureError


def _receive(request, source: str) -> JsonResponse:
    try:
        result = receipt.receive(source=source, headers=request.headers, body=request.body)
    except SignatureError as exc:
        return JsonResponse({"error": str(exc)}, status=401)
    except PayloadError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"status": "accepted" if result.created else "duplicate",
                         "delivery": result.delivery.pk})


@csrf_exempt
@require_POST
def shopify(request):
    """Shopify order and fulfilment webhooks (see customers/webhooks/shopify.py)."""
    return _receive(request, WebhookSource.SHOPIFY)


@csrf_exempt
@require_POST
def carrier(request):
    """Carrier tracking events (format in customers/webhooks/carrier.py)."""
    return _receive(request, WebhookSource.CARRIER)
