from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("retention/", views.retention, name="retention"),
    path("retention/rules/", views.rule_edit, name="rule_edit"),
    path("retention/people/<int:pk>/legal-hold/", views.legal_hold, name="legal_hold"),
    path("people/<int:pk>/subject-access/", views.sar_start, name="sar_start"),
    path("subject-access/<int:pk>/", views.sar, name="sar"),
    path("subject-access/<int:pk>/export.pdf", views.sar_pdf, name="sar_pdf"),
    path("subject-access/<int:pk>/export.zip", views.sar_zip, name="sar_zip"),
    path("sharing/", views.sharing, name="sharing"),
    path("sharing/new/", views.sharing_new, name="sharing_new"),
    path("sharing/export.csv", views.sharing_csv, name="sharing_csv"),
    path("sharing/<int:pk>/", views.sharing_detail, name="sharing_detail"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("access-review/", views.access_review, name="access_review"),
    path("reveal/<str:what>/<int:pk>/", views.reveal, name="reveal"),
]
