from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("<int:pk>/", views.TicketDetailView.as_view(), name="detail"),
]
