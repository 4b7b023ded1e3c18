"""/api/v1/: each app owns its routes in its own api_urls module."""

from django.urls import include, path

from . import api

urlpatterns = [
    path("me/", api.MeView.as_view(), name="api-me"),
    path("", include("tickets.api_urls")),
    path("", include("customers.api_urls")),
    path("", include("loyalty.api_urls")),
    path("", include("notices.api_urls")),
]
