from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.NoticeReportView.as_view(), name="report"),
    path("delayed/", views.DelayedShipmentsView.as_view(), name="delayed"),
]
