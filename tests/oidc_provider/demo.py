"""`make demo-sso`: the test identity provider beside the demo, which signs in to it.

`python -m tests.oidc_provider.demo PORT PROVIDER_PORT` starts the provider on 127.0.0.1,
knowing three fictional council accounts, then serves the demo with OIDC_* pointing at it."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .server import BASE_DIR, running_provider

PASSWORD = "council-demo-password"  # a fictional account on a local test provider
PEOPLE = [
    # username at the provider, the demo account's e-mail, whether the provider used MFA
    ("priya", "coordinator@kingsmere.example", True),
    ("grace", "analyst@kingsmere.example", False),
    ("visitor", "visitor@elsewhere.example", True),
]


def main(port: str, provider_port: str) -> None:
    users = [
        {"username": name, "email": email, "mfa": mfa, "password": PASSWORD}
        for name, email, mfa in PEOPLE
    ]
    callback = f"http://127.0.0.1:{port}/sign-in/council/callback/"
    state = Path(tempfile.mkdtemp(prefix="dueregard-oidc-provider-"))
    with running_provider(
        state, redirect_uris=[callback], users=users, port=int(provider_port)
    ) as provider:
        print(
            f"\nCouncil sign-in (test identity provider at {provider.base}/), password {PASSWORD}:"
        )
        print("  priya   -> coordinator; the provider used MFA, so no security code is asked")
        print("  grace   -> analyst; no MFA at the provider, so the security code is asked")
        print("  visitor -> no Due Regard account: refused\n", flush=True)
        environment = {**os.environ, **provider.environment(), "DEBUG": "0"}
        subprocess.run(  # noqa: S603 (fixed arguments)
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=environment,
            check=False,
        )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
