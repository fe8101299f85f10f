from django.urls import path

from satudata.villages import views

app_name = "villages"
urlpatterns = [
    path("villages/compare/", views.compare, name="compare"),
    path("villages/layers/<int:layer_id>/delete/", views.layer_delete, name="layer_delete"),
    path("villages/layers/<int:layer_id>/restore/", views.layer_restore, name="layer_restore"),
    path(
        "villages/potential/<int:entry_id>/delete/",
        views.potential_delete,
        name="potential_delete",
    ),
    path("villages/<str:code>/", views.profile, name="profile"),
    path("villages/<str:code>/map/", views.map_page, name="map"),
    path("villages/<str:code>/potential/", views.potential, name="potential"),
    path("villages/<str:code>/layers/", views.layers, name="layers"),
    path("villages/<str:code>/layers/draw/", views.draw, name="draw"),
]
