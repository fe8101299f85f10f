from django.urls import path, re_path

from satudata.datasets import dcat, views
from satudata.datasets.ckan.http import action, not_an_action

app_name = "datasets"
urlpatterns = [
    path("data/", views.catalog, name="catalog"),
    path("data/<slug:slug>/", views.detail, name="detail"),
    path(
        "data/<slug:slug>/r/<uuid:resource_id>/download/<str:fmt>/",
        views.download,
        name="download",
    ),
    path("data/<slug:slug>/r/<uuid:resource_id>/chart.svg", views.chart, name="chart"),
    path("data/<slug:slug>/dcat.<str:fmt>", dcat.dataset_view, name="dcat_dataset"),
    path("opd/<slug:agency>/", views.agency, name="agency"),
    path("developers/", views.developers, name="developers"),
    path("workspace/datasets/", views.workspace, name="workspace"),
    path("workspace/datasets/new/", views.new, name="new"),
    path("workspace/datasets/<slug:slug>/", views.manage, name="manage"),
    path("workspace/datasets/<slug:slug>/edit/", views.edit, name="edit"),
    path("workspace/datasets/<slug:slug>/upload/", views.upload, name="upload"),
    path("workspace/datasets/<slug:slug>/workflow/", views.workflow, name="workflow"),
    path(
        "workspace/datasets/<slug:slug>/releases/<uuid:resource_id>/",
        views.report,
        name="report",
    ),
    path(
        "workspace/datasets/<slug:slug>/releases/<uuid:resource_id>/withdraw/",
        views.withdraw,
        name="withdraw",
    ),
    path("catalog.<str:fmt>", dcat.catalog_view, name="dcat_catalog"),
    path("api/3/action/<str:name>", action, name="ckan_action"),
    path("api/action/<str:name>", action, name="ckan_action_unversioned"),
    re_path(r"^api/(?:3/|action/)", not_an_action),
]
