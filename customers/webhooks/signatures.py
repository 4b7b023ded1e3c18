"""HMAC-SHA256 signatures of webhook bodies, checked against the configured secrets."""

import base64
import hashlib
import hmac

from django.conf import settings

from customers.models import WebhookSecret, WebhookSource

FALLBACK_SETTINGS = {
    WebhookSource.SHOPIFY: "SHOPIFY_WEBHOOK_SECRET",
    WebhookSource.CARRIER: "CARRIER_WEBHOOK_SECRET",
}


def secrets_for(source: str) -> list[str]:
    """The active secrets set in the admin; without any, the one from settings/env."""
    secrets = list(WebhookSecret.objects.filter(source=source, is_active=True)
                   .values_list("secret", flat=True))
    if not secrets:
        fallback = getattr(settings, FALLBACK_SETTINGS[source], "")
        secrets = [fallback] if fallback else []
    return [secret for secret in secrets if secret]


def _digest(body: bytes, secret: str) -> bytes:
    return hmac.new(secret.encode(), body, hashlib.sha256).digest()


def sign_shopify(body: bytes, secret: str) -> str:
    """The X-Shopify-Hmac-Sha256 header value: base64 of HMAC-SHA256 of the raw body."""
    return base64.b64encode(_digest(body, secret)).decode()


def sign_carrier(body: bytes, secret: str) -> str:
    """The X-Kefu-Signature header value: 'sha256=' and the hex HMAC-SHA256 of the raw body."""
    return "sha256=" + _digest(body, secret).hex()


def is_valid(*, source: str, body: bytes, signature: str, secrets: list[str]) -> bool:
    signature = (signature or "").strip()
    if not signature:
        return False
    sign = sign_shopify if source == WebhookSource.SHOPIFY else sign_carrier
    return any(hmac.compare_digest(sign(body, secret).encode(), signature.encode())
               for secret in secrets)
