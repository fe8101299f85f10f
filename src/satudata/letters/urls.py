from django.urls import path

from satudata.letters import views

app_name = "letters"
urlpatterns = [
    path("letters/", views.index, name="index"),
    path("letters/issue/", views.issue, name="issue"),
    path("letters/templates/", views.templates, name="templates"),
    path("letters/<int:letter_id>/pdf/", views.letter_pdf, name="pdf"),
    path("letters/verify/<str:code>/", views.verify, name="verify"),
]
