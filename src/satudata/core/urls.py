from django.urls import path

from satudata.core import views

app_name = "core"
urlpatterns = [
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("healthz", views.healthz, name="healthz"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("offline/", views.offline, name="offline"),
    path("lang/<str:code>/", views.set_language, name="set_language"),
]
