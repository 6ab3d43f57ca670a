"""The casework API (placeholder until the casework endpoints land)."""

urlpatterns: list = []
