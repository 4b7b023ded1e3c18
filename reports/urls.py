from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.dashboard, {"page": "sla"}, name="sla"),
    path("workload/", views.dashboard, {"page": "workload"}, name="workload"),
    path("quality/", views.dashboard, {"page": "quality"}, name="quality"),
    path("<str:page>/export/<slug:key>.csv", views.export, name="export"),
    path("reviews/", views.reviews, name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
]
