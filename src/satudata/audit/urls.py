from django.urls import path

from satudata.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.index, name="index"),
    path("deleted/", views.deleted, name="deleted"),
    path("record/<str:model_label>/<str:object_pk>/", views.record_history, name="record"),
    path("record/<str:model_label>/<str:object_pk>/restore/", views.restore, name="restore"),
]
