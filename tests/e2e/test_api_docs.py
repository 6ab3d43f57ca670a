"""The API documentation as a partner's developer and a lead meet it in the browser."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import assert_accessible, sign_in


def test_the_api_documentation_loads_everything_from_the_service(
    page: Page, live_server, live_world
) -> None:
    outside: list[str] = []
    blocked: list[str] = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith(live_server.url) or request.url.startswith("data:")
            else outside.append(request.url)
        ),
    )
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    sign_in(page, live_server.url, "coordinator")
    page.get_by_role("link", name="API documentation").click()

    expect(page.get_by_role("heading", name="API documentation", level=1)).to_be_visible()
    # Swagger UI has drawn the schema: the partner endpoints are listed.
    expect(
        page.locator(".opblock-summary-path", has_text="/api/v1/referrals/").first
    ).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/me/").first).to_be_visible()
    assert outside == [], f"requests to other sites: {outside}"
    assert blocked == [], f"console errors: {blocked}"
    assert_accessible(page)

    # An operation opened to read its parameters and responses is accessible too.
    page.locator(".opblock-summary-control", has_text="/api/v1/referrals/").first.click()
    expect(page.get_by_role("heading", name="Parameters").first).to_be_visible()
    expect(page.get_by_role("heading", name="Responses").first).to_be_visible()
    assert_accessible(page)
