from django.urls import path

from . import views

# The audit log keeps its own namespace (`audit:log`), as before its pages moved here.
app_name = "audit"

urlpatterns = [
    path("", views.audit_log, name="log"),
    path("export.csv", views.audit_export, name="export"),
]
