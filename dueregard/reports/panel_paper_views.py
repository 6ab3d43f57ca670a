"""Downloads of a Channel panel meeting's agenda and minutes (reports/panel_papers.py); the
meeting's page (casework) links here."""

from __future__ import annotations

from django.http import Http404, HttpResponse

from dueregard.accounts.access import SignedInRequest, requires
from dueregard.accounts.permissions import Action, Kind
from dueregard.casework import queries

from . import panel_papers
from .renderers import FORMATS


@requires(Kind.PANEL, Action.VIEW, object_scoped=True, methods=("GET",))
def meeting_paper(request: SignedInRequest, pk: int, paper: str, format_id: str) -> HttpResponse:
    meeting = queries.get_meeting_for_user(request, pk)
    if paper not in panel_papers.offered(meeting) or format_id not in panel_papers.PAPER_FORMATS:
        raise Http404
    content = panel_papers.export(meeting, paper, format_id, acting_user=request.user)
    response = HttpResponse(content, content_type=FORMATS[format_id].content_type)
    name = panel_papers.filename(meeting, paper, format_id)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
