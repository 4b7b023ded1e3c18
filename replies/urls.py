from django.urls import path

from . import views

app_name = "replies"

urlpatterns = [
    path("tickets/<int:pk>/search/", views.search, name="search"),
    path("tickets/<int:pk>/templates/<int:template_pk>/preview/", views.template_preview,
         name="template_preview"),
    path("tickets/<int:pk>/templates/<int:template_pk>/insert/", views.template_insert,
         name="template_insert"),
    path("tickets/<int:pk>/macros/<int:macro_pk>/preview/", views.macro_preview,
         name="macro_preview"),
    path("tickets/<int:pk>/macros/<int:macro_pk>/apply/", views.macro_apply, name="macro_apply"),
    path("tickets/<int:pk>/check/", views.check, name="check"),
    path("mine/", views.my_templates, name="my_templates"),
    path("mine/new/", views.edit_my_template, name="new_template"),
    path("mine/<int:pk>/", views.edit_my_template, name="edit_template"),
    path("mine/<int:pk>/delete/", views.delete_my_template, name="delete_template"),
]
