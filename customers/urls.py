from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("<int:pk>/sidebar/", views.sidebar, name="sidebar"),
]
