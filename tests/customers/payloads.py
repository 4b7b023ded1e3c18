"""Webhook bodies shaped like the platforms' documented examples (Shopify's REST order and
fulfillment resources; Kefu's carrier format), signed the way the platforms sign them."""

import base64
import copy
import hashlib
import hmac
import json

SHOPIFY_SECRET = "shpss_test_secret"
CARRIER_SECRET = "carrier_test_secret"

SHOPIFY_ORDER = {
    "id": 820982911946154508,
    "admin_graphql_api_id": "gid://shopify/Order/820982911946154508",
    "app_id": None,
    "browser_ip": "0.0.0.0",
    "buyer_accepts_marketing": True,
    "cancel_reason": None,
    "cancelled_at": None,
    "cart_token": None,
    "checkout_token": None,
    "closed_at": None,
    "confirmed": True,
    "contact_email": "lin.wei@example.com",
    "created_at": "2025-03-01T10:02:00+08:00",
    "currency": "CNY",
    "current_total_price": "398.00",
    "customer_locale": "zh-CN",
    "email": "lin.wei@example.com",
    "financial_status": "paid",
    "fulfillment_status": None,
    "landing_site": None,
    "name": "#1042",
    "note": None,
    "number": 42,
    "order_number": 1042,
    "phone": "+86 139 0000 1042",
    "processed_at": "2025-03-01T10:02:00+08:00",
    "subtotal_price": "398.00",
    "tags": "",
    "test": False,
    "total_discounts": "0.00",
    "total_line_items_price": "398.00",
    "total_price": "398.00",
    "total_tax": "0.00",
    "updated_at": "2025-03-01T10:02:05+08:00",
    "customer": {
        "id": 115310627314723954,
        "email": "Lin.Wei@Example.com",
        "accepts_marketing": False,
        "created_at": "2024-11-11T09:00:00+08:00",
        "updated_at": "2025-03-01T10:02:00+08:00",
        "first_name": "伟",
        "last_name": "林",
        "state": "enabled",
        "note": None,
        "verified_email": True,
        "phone": "+86 139 0000 1042",
        "currency": "CNY",
        "admin_graphql_api_id": "gid://shopify/Customer/115310627314723954",
        "default_address": {
            "id": 1053317287, "first_name": "伟", "last_name": "林", "name": "林伟",
            "address1": "西湖区文三路 90 号", "city": "杭州", "province": "浙江",
            "country": "China",
            "zip": "310000", "phone": "+86 139 0000 1042", "default": True,
        },
    },
    "line_items": [
        {
            "id": 866550311766439020, "admin_graphql_api_id": "gid://shopify/LineItem/866550311766439020",
            "fulfillable_quantity": 1, "fulfillment_service": "manual", "fulfillment_status": None,
            "gift_card": False, "grams": 250, "name": "Longjing green tea 250g", "price": "199.00",
            "product_id": 632910392, "quantity": 1, "requires_shipping": True,
            "sku": "TEA-LJ-250", "taxable": True, "title": "Longjing green tea 250g",
            "total_discount": "0.00", "variant_id": 808950810, "variant_title": None,
            "vendor": "Kefu Tea",
        },
        {
            "id": 141249953214522974, "admin_graphql_api_id": "gid://shopify/LineItem/141249953214522974",
            "fulfillable_quantity": 1, "fulfillment_service": "manual", "fulfillment_status": None,
            "gift_card": False, "grams": 500, "name": "Celadon teapot", "price": "199.00",
            "product_id": 632910393, "quantity": 1, "requires_shipping": True,
            "sku": "POT-CEL-1", "taxable": True, "title": "Celadon teapot",
            "total_discount": "0.00", "variant_id": 808950811, "variant_title": None,
            "vendor": "Kefu Tea",
        },
    ],
    "refunds": [],
    "shipping_lines": [{"id": 271878346596884015, "code": "SF", "price": "0.00",
                        "title": "SF Express"}],
}

SHOPIFY_FULFILLMENT = {
    "id": 255858046,
    "admin_graphql_api_id": "gid://shopify/Fulfillment/255858046",
    "created_at": "2025-03-02T09:00:00+08:00",
    "location_id": 655441491,
    "name": "#1042.1",
    "order_id": 820982911946154508,
    "origin_address": {},
    "receipt": {},
    "service": "manual",
    "shipment_status": None,
    "status": "success",
    "tracking_company": "SF Express",
    "tracking_number": "SF1234567890",
    "tracking_numbers": ["SF1234567890"],
    "tracking_url": "https://www.sf-express.com/track?num=SF1234567890",
    "tracking_urls": ["https://www.sf-express.com/track?num=SF1234567890"],
    "updated_at": "2025-03-02T09:00:00+08:00",
    "line_items": [{"id": 866550311766439020, "quantity": 1, "sku": "TEA-LJ-250"}],
}


def shopify_order(**changes) -> dict:
    payload = copy.deepcopy(SHOPIFY_ORDER)
    payload.update(changes)
    return payload


def shopify_fulfillment(**changes) -> dict:
    payload = copy.deepcopy(SHOPIFY_FULFILLMENT)
    payload.update(changes)
    return payload


def shopify_signature(body: bytes, secret: str = SHOPIFY_SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def carrier_signature(body: bytes, secret: str = CARRIER_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_shopify(client, topic: str, payload, *,
                 webhook_id: str = "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
                 signature: str | None = None, body: bytes | None = None):
    body = body if body is not None else json.dumps(payload).encode()
    return client.post(
        "/webhooks/shopify/", data=body, content_type="application/json",
        headers={
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": shopify_signature(body) if signature is None else signature,
            "X-Shopify-Shop-Domain": "kefu-demo.myshopify.com",
            "X-Shopify-Webhook-Id": webhook_id,
            "X-Shopify-API-Version": "2025-01",
            "X-Shopify-Triggered-At": "2025-03-01T02:02:05.000Z",
        },
    )


def carrier_event(**changes) -> dict:
    event = {
        "event_id": "evt_0001",
        "carrier": "SF Express",
        "tracking_number": "SF1234567890",
        "status": "in_transit",
        "occurred_at": "2025-03-02T18:30:00+08:00",
        "location": "Hangzhou hub",
        "description": "Departed facility",
    }
    event.update(changes)
    return event


def post_carrier(client, payload, *, delivery_id: str | None = None,
                 signature: str | None = None, body: bytes | None = None):
    body = body if body is not None else json.dumps(payload).encode()
    headers = {"X-Kefu-Signature": signature if signature is not None else carrier_signature(body)}
    if delivery_id:
        headers["X-Kefu-Delivery-Id"] = delivery_id
    return client.post("/webhooks/carrier/", data=body, content_type="application/json",
                       headers=headers)
