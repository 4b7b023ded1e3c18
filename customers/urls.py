from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sidebar/", views.sidebar, name="sidebar"),
    path("<int:pk>/orders/", views.orders_partial, name="orders"),
    path("<int:pk>/tickets/", views.tickets_partial, name="tickets"),
    path("<int:pk>/timeline/", views.timeline_partial, name="timeline"),
    path("<int:pk>/profile/", views.edit_profile, name="edit_profile"),
    path("<int:pk>/merge/", views.merge_search, name="merge_search"),
    path("<int:pk>/merge/<int:source_pk>/", views.merge_confirm, name="merge_confirm"),
]
