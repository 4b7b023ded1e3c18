from django.urls import path

from . import views

app_name = "webhooks"

urlpatterns = [
    path("shopify/", views.shopify, name="shopify"),
    path("carrier/", views.carrier, name="carrier"),
]
