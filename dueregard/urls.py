from django.urls import include, path

from dueregard.accounts import views as account_views
from dueregard.accounts.admin import site as admin_site

handler403 = "dueregard.core.views.permission_denied"
handler404 = "dueregard.core.views.page_not_found"
handler500 = "dueregard.core.views.server_error"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("", include("dueregard.accounts.urls")),
    path("", include("dueregard.core.urls")),
    path("audit/", include("dueregard.accounts.auditlog.urls")),
    path("casework/", include("dueregard.casework.urls")),
    path("training/", include("dueregard.training.urls")),
    path("assurance/", include("dueregard.assurance.urls")),
    path("engagement/", include("dueregard.engagement.urls")),
    path("governance/", include("dueregard.governance.urls")),
    path("privacy/", include("dueregard.privacy.urls")),
    path("reports/", include("dueregard.reports.urls")),
    path("notifications/", include("dueregard.notifications.urls")),
    path("api/", include("dueregard.api.urls")),
    path("admin/", admin_site.urls),
]
