from django.urls import path

from . import views

app_name = "assurance"

urlpatterns = [
    path("", views.index, name="index"),
    # Strategy and action plan
    path("strategies/", views.strategy_list, name="strategy_list"),
    path("strategies/new/", views.strategy_create, name="strategy_create"),
    path("strategies/<int:pk>/", views.strategy_detail, name="strategy_detail"),
    path("strategies/<int:pk>/edit/", views.strategy_edit, name="strategy_edit"),
    path("strategies/<int:pk>/review/", views.strategy_review, name="strategy_review"),
    path("strategies/<int:pk>/priorities/new/", views.priority_create, name="priority_create"),
    path("strategies/<int:pk>/actions/new/", views.action_create, name="action_create"),
    path("priorities/<int:pk>/edit/", views.priority_edit, name="priority_edit"),
    path("actions/", views.action_list, name="action_list"),
    path("actions/export/", views.action_export, name="action_export"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    path("actions/<int:pk>/withdraw/", views.action_withdraw, name="action_withdraw"),
    # Benchmarks, self-assessment, evidence and the assurance pack
    path("benchmarks/", views.benchmark_list, name="benchmark_list"),
    path("benchmarks/<int:pk>/", views.benchmark_detail, name="benchmark_detail"),
    path(
        "benchmarks/<int:pk>/assess/<int:year>/",
        views.assessment_create,
        name="assessment_create",
    ),
    path("self-assessments/<int:pk>/edit/", views.assessment_edit, name="assessment_edit"),
    path("self-assessments/export/", views.assessment_export, name="assessment_export"),
    path("evidence/", views.evidence_list, name="evidence_list"),
    path("evidence/new/", views.evidence_create, name="evidence_create"),
    path("evidence/export/", views.evidence_export, name="evidence_export"),
    path("evidence/<int:pk>/", views.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/edit/", views.evidence_edit, name="evidence_edit"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("evidence/<int:pk>/withdraw/", views.evidence_withdraw, name="evidence_withdraw"),
    path("pack/", views.pack_page, name="pack"),
    path("pack/<int:year>/docx/", views.pack_docx, name="pack_docx"),
    path("pack/<int:year>/zip/", views.pack_zip, name="pack_zip"),
    # National threat level
    path("threat-level/", views.threat_level_list, name="threat_level_list"),
    path("threat-level/new/", views.threat_level_create, name="threat_level_create"),
    path(
        "threat-level/administration/new/",
        views.threat_level_create_admin,
        name="threat_level_create_admin",
    ),
    path("threat-level/<int:pk>/", views.threat_level_detail, name="threat_level_detail"),
    path("threat-level/<int:pk>/edit/", views.threat_level_edit, name="threat_level_edit"),
    path(
        "threat-level/<int:pk>/administration/edit/",
        views.threat_level_edit_admin,
        name="threat_level_edit_admin",
    ),
    # CTLPs, risk register and incidents
    path("ctlps/", views.ctlp_list, name="ctlp_list"),
    path("ctlps/new/", views.ctlp_create, name="ctlp_create"),
    path("ctlps/export/", views.ctlp_export, name="ctlp_export"),
    path("ctlps/<int:pk>/", views.ctlp_detail, name="ctlp_detail"),
    path("ctlps/<int:pk>/edit/", views.ctlp_edit, name="ctlp_edit"),
    path(
        "ctlps/<int:pk>/recommendations/new/",
        views.recommendation_create,
        name="recommendation_create",
    ),
    path("recommendations/<int:pk>/edit/", views.recommendation_edit, name="recommendation_edit"),
    path("risks/", views.risk_list, name="risk_list"),
    path("risks/new/", views.risk_create, name="risk_create"),
    path("risks/export/", views.risk_export, name="risk_export"),
    path("risks/<int:pk>/", views.risk_detail, name="risk_detail"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("risks/<int:pk>/review/", views.risk_review, name="risk_review"),
    path("risks/<int:pk>/close/", views.risk_close, name="risk_close"),
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/new/", views.incident_create, name="incident_create"),
    path("incidents/export/", views.incident_export, name="incident_export"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit, name="incident_edit"),
    path("incidents/<int:pk>/remove/", views.incident_archive, name="incident_archive"),
]
