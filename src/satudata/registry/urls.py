from django.urls import path

from satudata.registry import (
    conflict_views,
    event_views,
    family_views,
    import_export_views,
    statistics_views,
    views,
)

app_name = "registry"
urlpatterns = [
    path("registry/", views.index, name="index"),
    path("registry/residents/new/", views.resident_new, name="resident_new"),
    path("registry/residents/<int:resident_id>/", views.resident, name="resident"),
    path("registry/residents/<int:resident_id>/edit/", views.resident_edit, name="resident_edit"),
    path(
        "registry/residents/<int:resident_id>/event/", views.resident_event, name="resident_event"
    ),
    path(
        "registry/residents/<int:resident_id>/correct/",
        views.resident_correct,
        name="resident_correct",
    ),
    path(
        "registry/residents/<int:resident_id>/family/",
        event_views.resident_family,
        name="resident_family",
    ),
    path("registry/families/", family_views.families, name="families"),
    path("registry/families/new/", event_views.family_new, name="family_new"),
    path("registry/families/<int:family_id>/", family_views.family, name="family"),
    path("registry/families/<int:family_id>/birth/", event_views.family_birth, name="birth"),
    path("registry/families/<int:family_id>/place/", event_views.family_place, name="family_place"),
    path("registry/families/<int:family_id>/add/", event_views.family_add, name="family_add"),
    path("registry/families/<int:family_id>/split/", event_views.family_split, name="split"),
    path("registry/families/<int:family_id>/head/", event_views.family_head, name="head"),
    path("registry/move-in/", event_views.move_in, name="move_in"),
    path("registry/import/", import_export_views.import_start, name="import"),
    path("registry/import/<int:job_id>/", import_export_views.import_job, name="import_job"),
    path(
        "registry/import/<int:job_id>/errors.csv",
        import_export_views.import_errors,
        name="import_errors",
    ),
    path("registry/export/", import_export_views.export, name="export"),
    path("registry/conflicts/", conflict_views.conflicts, name="conflicts"),
    path("registry/conflicts/close/", conflict_views.conflicts_close, name="conflicts_close"),
    path(
        "registry/conflicts/<int:conflict_id>/resolve/",
        conflict_views.conflict_resolve,
        name="conflict_resolve",
    ),
    path("statistics/population/<str:code>/", statistics_views.population, name="population"),
    path("statistics/publish/", statistics_views.publish_statistics, name="publish_statistics"),
]
