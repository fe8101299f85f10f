from django.urls import path

from satudata.feedback import views

app_name = "feedback"
urlpatterns = [
    path("feedback/", views.new, name="new"),
    path("feedback/track/", views.track, name="track"),
    path("feedback/inbox/", views.inbox, name="inbox"),
    path("feedback/overdue/", views.overdue, name="overdue"),
    path("feedback/<int:feedback_id>/", views.detail, name="detail"),
    path("feedback/<int:feedback_id>/photo/", views.photo, name="photo"),
    path("feedback/<int:feedback_id>/reply/", views.reply, name="reply"),
    path("feedback/<int:feedback_id>/status/", views.status, name="status"),
    path("feedback/<int:feedback_id>/hide/", views.hide, name="hide"),
]
