from django.urls import path

from . import views

app_name = "engagement"

urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/return/", views.quarterly_return, name="project_return"),
]
for record_type in views.RECORD_TYPES:
    urlpatterns += record_type.urls(app_name)
