from django.urls import path

from . import views

app_name = "loyalty"

urlpatterns = [
    path("", views.report, name="report"),
    path("tickets/<int:ticket_id>/panel/", views.ticket_panel, name="ticket_panel"),
    path("tickets/<int:ticket_id>/coupon/", views.grant_coupon, name="grant_coupon"),
    path("tickets/<int:ticket_id>/credit/", views.grant_store_credit, name="grant_store_credit"),
    path("customers/<int:customer_id>/balances/", views.customer_balances,
         name="customer_balances"),
    path("customers/<int:customer_id>/", views.customer_ledger, name="customer_ledger"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<str:kind>/<int:pk>/<str:decision>/", views.decide, name="decide"),
    path("tiers/", views.tiers, name="tiers"),
    path("tiers/new/", views.tier_edit, name="tier_create"),
    path("tiers/<int:pk>/", views.tier_edit, name="tier_edit"),
    path("tiers/<int:pk>/members/", views.tier_members, name="tier_members"),
]
