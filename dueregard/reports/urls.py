from django.urls import path

from . import committee_views, grant_views, panel_paper_views, views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="index"),
    # Committee reports (before the generic report pages, whose slug would match them).
    path("committee/", committee_views.committee_list, name="committee_list"),
    path("committee/new/", committee_views.committee_create, name="committee_create"),
    path("committee/<int:pk>/", committee_views.committee_detail, name="committee"),
    path("committee/<int:pk>/edit/", committee_views.committee_edit, name="committee_edit"),
    path("committee/templates/", committee_views.committee_templates, name="committee_templates"),
    path(
        "committee/templates/<int:pk>/",
        committee_views.committee_template_edit,
        name="committee_template_edit",
    ),
    path(
        "committee/<int:pk>/sections/",
        committee_views.committee_sections,
        name="committee_sections",
    ),
    path(
        "committee/<int:pk>/clearance/",
        committee_views.committee_clearance,
        name="committee_clearance",
    ),
    path(
        "committee/<int:pk>/versions/<int:number>/final/",
        committee_views.committee_mark_final,
        name="committee_mark_final",
    ),
    path(
        "committee/<int:pk>/versions/<int:number>/exempt/<slug:format_id>",
        committee_views.committee_version_download,
        name="committee_version_download_exempt",
    ),
    path(
        "committee/<int:pk>/generate/",
        committee_views.committee_generate,
        name="committee_generate",
    ),
    path(
        "committee/<int:pk>/versions/<int:number>/",
        committee_views.committee_version,
        name="committee_version",
    ),
    path(
        "committee/<int:pk>/versions/<int:number>/<slug:format_id>",
        committee_views.committee_version_download,
        name="committee_version_download",
    ),
    # A Channel panel meeting's agenda and minutes.
    path(
        "panel-meetings/<int:pk>/<slug:paper>.<slug:format_id>",
        panel_paper_views.meeting_paper,
        name="meeting_paper",
    ),
    # Quarterly grant returns.
    path("grant-returns/", grant_views.grant_return_list, name="grant_return_list"),
    path("grant-returns/new/", grant_views.grant_return_create, name="grant_return_create"),
    path("grant-returns/<int:pk>/", grant_views.grant_return_detail, name="grant_return"),
    path("grant-returns/<int:pk>/edit/", grant_views.grant_return_edit, name="grant_return_edit"),
    path(
        "grant-returns/<int:pk>/lines/new/",
        grant_views.grant_return_line_add,
        name="grant_return_line_add",
    ),
    path(
        "grant-returns/<int:pk>/lines/<int:line>/",
        grant_views.grant_return_line,
        name="grant_return_line",
    ),
    path(
        "grant-returns/<int:pk>/lines/<int:line>/remove/",
        grant_views.grant_return_line_remove,
        name="grant_return_line_remove",
    ),
    path(
        "grant-returns/<int:pk>/sign-off/",
        grant_views.grant_return_sign_off,
        name="grant_return_sign_off",
    ),
    path(
        "grant-returns/<int:pk>/amend/", grant_views.grant_return_amend, name="grant_return_amend"
    ),
    path(
        "grant-returns/<int:pk>/download",
        grant_views.grant_return_download,
        name="grant_return_download",
    ),
    # Home Office-style statistics: its own page, with a scope wider than one authority.
    path("home-office-statistics/", views.statistics_page, name="statistics"),
    path("home-office-statistics/download", views.statistics_download, name="statistics_download"),
    # Every other registered report.
    path("<slug:report_id>/", views.report_page, name="report"),
    path("<slug:report_id>/download", views.report_download, name="download"),
]
