from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("", views.dashboard, name="home"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/add/", views.organisation_add, name="organisation_add"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("organisations/<int:pk>/change/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/levels/", views.requirement_set, name="requirement_set"),
    path("organisations/<int:pk>/headcount/", views.snapshot_add, name="snapshot_add"),
    path("headcounts/<int:pk>/withdraw/", views.snapshot_withdraw, name="snapshot_withdraw"),
    path("import/", views.import_file, name="import"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/add/", views.session_add, name="session_add"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/organisations/", views.session_audience, name="session_audience"),
    path("sessions/<int:pk>/attendees/", views.attendee_add, name="attendee_add"),
    path("sessions/<int:pk>/feedback/", views.feedback_add, name="feedback_add"),
    path("sessions/<int:pk>/archive/", views.session_archive, name="session_archive"),
    path("attendees/<int:pk>/remove/", views.attendee_remove, name="attendee_remove"),
    path("trainers/", views.trainer_list, name="trainers"),
    path("trainers/add/", views.trainer_add, name="trainer_add"),
    path("trainers/<int:pk>/", views.trainer_detail, name="trainer"),
    path("trainers/<int:pk>/archive/", views.trainer_archive, name="trainer_archive"),
    path("lists/", views.lists, name="lists"),
    path("lists/levels/add/", views.level_add, name="level_add"),
    path("lists/courses/add/", views.course_add, name="course_add"),
    path("lists/questions/add/", views.question_add, name="question_add"),
    path("lists/questions/<int:pk>/disable/", views.question_disable, name="question_disable"),
]
