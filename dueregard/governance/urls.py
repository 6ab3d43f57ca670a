from django.urls import path

from . import views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path(
        "commitments/<int:pk>/presented/", views.commitment_presented, name="commitment_presented"
    ),
    path("commitments/<int:pk>/next-due/", views.commitment_next_due, name="commitment_next_due"),
]
for record_type in views.RECORD_TYPES:
    urlpatterns += record_type.urls(app_name)
