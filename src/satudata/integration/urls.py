from django.urls import path

from satudata.integration import views

app_name = "integration"
urlpatterns = [
    path("workspace/connectors/", views.index, name="index"),
    path("workspace/connectors/new/", views.create, name="create"),
    path("workspace/connectors/<int:connector_id>/", views.detail, name="detail"),
    path("workspace/connectors/<int:connector_id>/edit/", views.edit, name="edit"),
    path("workspace/connectors/<int:connector_id>/run/", views.run_now, name="run"),
    path("workspace/connectors/<int:connector_id>/delete/", views.delete, name="delete"),
]
