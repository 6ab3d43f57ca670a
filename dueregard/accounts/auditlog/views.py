"""The audit log's page and its CSV export."""

import csv

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from dueregard.audit.models import AuditAction
from dueregard.audit.services import record
from dueregard.core.csvsafe import safe_row
from dueregard.core.pagination import Keyset

from ..access import requires
from ..permissions import Action, Kind
from .forms import AuditFilterForm
from .queries import AuditFilter, events_visible_to, filter_events


def _filter_from(form: AuditFilterForm) -> AuditFilter:
    data = form.cleaned_data
    return AuditFilter(
        username=data.get("username") or "",
        person_id=data.get("person_id"),
        action=data.get("action") or "",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


# Newest first. Ids grow with time, so ordering by id is ordering by time, and
# `?before=<id>` reaches older events.
AUDIT_PAGES = Keyset(("-id",))


@requires(Kind.AUDIT_LOG, Action.LIST, methods=("GET",))
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    page = None
    if not request.GET or form.is_valid():
        criteria = _filter_from(form) if form.is_bound else AuditFilter()
        page = AUDIT_PAGES.page(
            filter_events(events_visible_to(request.user), criteria).select_related("authority"),
            request.GET,
        )
    filters = request.GET.copy()  # for the CSV link: the same events, every page of them
    filters.pop(AUDIT_PAGES.next_param, None)
    filters.pop(AUDIT_PAGES.previous_param, None)
    return render(
        request,
        "accounts/audit_log.html",
        {
            "form": form,
            "events": page.items if page else [],
            "page": page,
            "query": filters.urlencode(),
        },
    )


COLUMNS = [
    "id",
    "occurred_at",
    "username",
    "action",
    "object_type",
    "object_id",
    "person_id",
    "authority",
    "request_id",
    "ip",
    "detail",
]


@requires(Kind.AUDIT_LOG, Action.EXPORT, methods=("GET",))
def audit_export(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(request, "accounts/audit_log.html", {"form": form, "events": []}, status=400)
    criteria = _filter_from(form) if form.is_bound else AuditFilter()
    events = filter_events(events_visible_to(request.user, Action.EXPORT), criteria)
    record(
        AuditAction.EXPORT,
        actor=request.user,
        object_type="audit.auditevent",
        detail={"format": "csv", "filter": request.GET.urlencode()[:500]},
    )

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def rows():  # streamed, so a large export never sits in memory
        yield writer.writerow(COLUMNS)
        for e in events.order_by("-id").select_related("authority").iterator(chunk_size=2000):
            yield writer.writerow(
                safe_row(
                    [
                        e.id,
                        e.occurred_at.isoformat(),
                        e.actor_username,
                        e.action,
                        e.object_type,
                        e.object_id,
                        e.person_id or "",
                        e.authority.ons_code if e.authority else "",
                        e.request_id,
                        e.ip or "",
                        e.detail,
                    ]
                )
            )

    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    # Streamed rather than an HttpResponse; Django serves either from a view.
    return response  # type: ignore[return-value]
