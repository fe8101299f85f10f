from django.urls import path

from satudata.core import views

app_name = "core"
urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("healthz", views.healthz, name="healthz"),
]
