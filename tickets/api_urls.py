from django.urls import path

from . import api

urlpatterns = [
    path("tickets/", api.TicketListCreateApi.as_view(), name="api-tickets"),
    path("tickets/<int:pk>/", api.TicketDetailApi.as_view(), name="api-ticket"),
    path("tickets/<int:pk>/messages/", api.TicketMessagesApi.as_view(),
         name="api-ticket-messages"),
]
