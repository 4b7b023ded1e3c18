from django.urls import path

from . import views

app_name = "sla"

urlpatterns = [
    path("tickets/<int:pk>/", views.ticket_strip, name="ticket_strip"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
]
