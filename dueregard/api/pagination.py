from rest_framework.pagination import CursorPagination


class NewestFirstCursorPagination(CursorPagination):
    """Keyset pagination: stable under inserts and fast at any depth."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering: str | tuple[str, ...] = "-id"


class OldestFirstCursorPagination(NewestFirstCursorPagination):
    """A record's history, oldest first: by the day it happened, then as recorded."""

    ordering = ("occurred_on", "id")
