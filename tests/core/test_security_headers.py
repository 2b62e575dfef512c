"""Security headers on every kind of response: pages, API, static files and error pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.fresh_app  # adds a failing route to the app


def _check(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "same-origin"
    assert response.headers.get("X-Frame-Options") == "DENY"
    assert response.headers.get("X-Request-ID")


@pytest.fixture
def boom(app):
    """A route that fails unexpectedly, for the 500 page (added before the first request)."""

    def fail():
        raise RuntimeError("test")

    app.add_url_rule("/test-boom", "test_boom", fail)
    app.add_url_rule("/api/v1/test-boom", "test_api_boom", fail)
    return app


@pytest.mark.parametrize(
    ("method", "url", "status", "kind"),
    [
        ("GET", "/login", 200, "text/html"),
        ("GET", "/public/", 200, "text/html"),
        ("GET", "/healthz", 200, "application/json"),
        ("GET", "/static/css/app.css", 200, "text/css"),
        ("GET", "/static/js/app.js", 200, "text/javascript"),
        ("GET", "/api/v1/openapi.json", 200, "application/json"),
        ("GET", "/api/v1/agreements", 401, "application/json"),
        ("GET", "/agreements/", 302, None),
        ("GET", "/does-not-exist", 404, "text/html"),
        ("GET", "/static/nothing.css", 404, "text/html"),
        ("POST", "/healthz", 405, "text/html"),
        ("GET", "/test-boom", 500, "text/html"),
    ],
)
def test_headers_on_every_kind_of_response(boom, method, url, status, kind):
    client = boom.test_client()
    response = client.open(url, method=method)
    response.close()
    assert response.status_code == status
    if kind:
        assert response.mimetype == kind
    _check(response)


def test_headers_on_forbidden_page_and_api_errors(boom, factory):
    factory.user("reader", "2021", email="lasare@vansbro.se")
    token = factory.token(factory.user("reader", "2021"))
    client = boom.test_client()
    client.post("/login", data={"email": "lasare@vansbro.se", "password": "ett-langt-losenord-123"})
    forbidden = client.get("/admin/users")
    assert forbidden.status_code == 403
    _check(forbidden)
    api = boom.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for url, status in (("/api/v1/nothing", 404), ("/api/v1/test-boom", 500)):
        response = api.get(url, headers=headers)
        assert response.status_code == status
        assert response.get_json()["error"] in ("not_found", "server_error")
        _check(response)
