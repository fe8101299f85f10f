from django.urls import path

from satudata.quality import views

app_name = "quality"
urlpatterns = [
    path("quality/", views.dashboard, name="dashboard"),
    path("quality/duplicates/", views.duplicates, name="duplicates"),
    path("quality/duplicates/search/", views.search_duplicates, name="search"),
    path("quality/duplicates/<int:pair_id>/merge/", views.merge, name="merge"),
    path("quality/duplicates/<int:pair_id>/different/", views.different, name="different"),
    path("quality/merges/", views.merges, name="merges"),
    path("quality/merges/<int:merge_id>/undo/", views.undo, name="undo"),
    path("quality/beneficiaries/", views.lists, name="lists"),
    path("quality/beneficiaries/<int:list_id>/", views.list_detail, name="list"),
    path(
        "quality/beneficiaries/<int:list_id>/report.<str:fmt>",
        views.list_download,
        name="download",
    ),
]
