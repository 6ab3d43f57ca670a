"""Start the test identity provider in its own process, for tests and `make demo-sso`."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import requests

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CLIENT_ID = "due-regard"
CLIENT_SECRET = "test-client-secret-not-for-real-use"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Provider:
    base: str

    def settings(self) -> dict[str, Any]:
        """Due Regard's OIDC_* settings for this provider."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base}/o/authorize/",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base}/o/token/",
            "OIDC_OP_USER_ENDPOINT": f"{self.base}/o/userinfo/",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base}/o/.well-known/jwks.json",
        }

    def environment(self) -> dict[str, str]:
        return {name: str(value) for name, value in self.settings().items()}


def write_config(
    state_dir: Path, port: int, redirect_uris: list[str], users: list[dict[str, Any]]
) -> Path:
    state_dir.mkdir(parents=True, exist_ok=True)
    config = {
        "port": port,
        "state_dir": str(state_dir),
        "client": {"id": CLIENT_ID, "secret": CLIENT_SECRET, "redirect_uris": redirect_uris},
        "users": users,
    }
    path = state_dir / "config.json"
    path.write_text(json.dumps(config))
    return path


def wait_until_ready(base: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the test identity provider stopped (exit {process.returncode})")
        try:
            if requests.get(f"{base}/o/.well-known/openid-configuration", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the test identity provider did not start in time")


@contextmanager
def running_provider(
    state_dir: Path,
    *,
    redirect_uris: list[str],
    users: list[dict[str, Any]],
    port: int | None = None,
) -> Iterator[Provider]:
    port = port or free_port()
    config = write_config(state_dir, port, redirect_uris, users)
    process = subprocess.Popen(  # noqa: S603 (our own module, with our own config file)
        [sys.executable, "-m", "tests.oidc_provider.serve", str(config)],
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=(state_dir / "provider.log").open("wb"),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_ready(base, process)
        yield Provider(base)
    finally:
        process.terminate()
        process.wait(timeout=10)


def sign_in_at_provider(authorize_url: str, username: str, password: str, redirect_uri: str) -> str:
    """What a browser does at the provider: open the authorisation request, sign in on its
    page and follow its redirects until it sends the person back; returns that address."""
    session = requests.Session()
    page = session.get(authorize_url, timeout=10)
    page.raise_for_status()
    response = session.post(
        page.url,
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["provider_csrftoken"],
            "next": parse_qs(urlparse(page.url).query)["next"][0],
        },
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=10,
    )
    for _ in range(5):
        location = response.headers.get("Location", "")
        if location.startswith(redirect_uri):
            return location
        if response.status_code not in (301, 302, 303):
            raise RuntimeError(
                f"the provider answered {response.status_code}: {response.text[:300]}"
            )
        response = session.get(urljoin(response.url, location), allow_redirects=False, timeout=10)
    raise RuntimeError("the provider did not send the browser back")
