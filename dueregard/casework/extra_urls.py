"""Casework pages added beside the pathway: importing historical referrals.

Included by casework/urls.py, so these names are "casework:<name>".
"""

from django.urls import path

from . import import_views

urlpatterns = [
    path("import/", import_views.import_referrals_page, name="import"),
    path("import/done/", import_views.import_done, name="import_done"),
    path("import/template.csv", import_views.import_template, name="import_template"),
]
