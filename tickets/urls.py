from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("", views.InboxView.as_view(), name="inbox"),
    path("rows/", views.inbox_rows, name="inbox_rows"),
    path("counts/", views.inbox_counts, name="inbox_counts"),
    path("filters/", views.inbox_filters, name="inbox_filters"),
    path("bulk/", views.bulk, name="bulk"),
    path("views/save/", views.save_view, name="save_view"),
    path("views/<int:pk>/delete/", views.delete_view, name="delete_view"),
    path("new/", views.new_ticket, name="new"),
    path("new/customers/", views.new_ticket_customers, name="new_customers"),
    path("new/orders/", views.new_ticket_orders, name="new_orders"),
    path("<int:pk>/", views.TicketDetailView.as_view(), name="detail"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/send/", views.send, name="send"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/presence/", views.heartbeat, name="presence"),
    path("<int:pk>/claim/", views.claim, name="claim"),
    path("<int:pk>/fields/", views.update_fields, name="update_fields"),
]
