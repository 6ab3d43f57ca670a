"""Run the test identity provider: `python -m tests.oidc_provider.serve CONFIG.json`.

CONFIG names the port, the folder for its state, the one client (id, secret, redirect
URIs) and the people it knows (username, password, email, mfa). It migrates its own SQLite
database, registers them, then serves on 127.0.0.1 until it is stopped."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def main(config_path: str) -> None:
    config = json.loads(Path(config_path).read_text())
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    os.environ["OIDC_PROVIDER_DIR"] = config["state_dir"]
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    mfa, _ = Group.objects.get_or_create(name="mfa")
    for person in config["users"]:
        user, _ = User.objects.update_or_create(
            username=person["username"], defaults={"email": person["email"]}
        )
        user.set_password(person["password"])
        user.save()
        if person.get("mfa"):
            user.groups.add(mfa)
        else:
            user.groups.remove(mfa)
    client = config["client"]
    Application.objects.filter(client_id=client["id"]).delete()
    Application.objects.create(
        name="Due Regard",
        client_id=client["id"],
        client_secret=client["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    print(f"Test identity provider on http://127.0.0.1:{config['port']}/", flush=True)
    run("127.0.0.1", int(config["port"]), get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main(sys.argv[1])
