"""URL kwargs for the report pages in the URL walk: the population report, which needs
no other app, is always registered."""

SAMPLES = {
    "reports:report": lambda world: {"report_id": "population"},
    "reports:download": lambda world: {"report_id": "population"},
}
