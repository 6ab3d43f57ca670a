from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="index"),
    path("<slug:report_id>/", views.report_page, name="report"),
    path("<slug:report_id>/download", views.report_download, name="download"),
]
