"""A real OpenID Connect provider for tests and the demo: a tiny Django project on
django-oauth-toolkit's OIDC support, run in its own process on 127.0.0.1 (see `server.py`)."""
