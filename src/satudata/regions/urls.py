from django.urls import path

from satudata.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/units/", views.unit_add, name="unit_add"),
    path("units/<int:unit_id>/delete/", views.unit_delete, name="unit_delete"),
]
