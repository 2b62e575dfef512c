"""The footer's API link opens a readable Swedish page built from the OpenAPI description,
with the JSON one link further."""

from __future__ import annotations


def test_api_page_lists_every_operation_and_links_the_json(client, auth, factory):
    factory.user("editor", "2021", email="anna@vansbro.se")
    auth.login("anna@vansbro.se")
    start = client.get("/").get_data(as_text=True)
    assert 'href="/api-dokumentation">API för inloggade</a>' in start
    response = client.get("/api-dokumentation")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="sv"' in page
    assert "<title>API för inloggade – Samverkanskollen</title>" in page
    assert 'href="/api/v1/openapi.json"' in page
    spec = client.get("/api/v1/openapi.json").get_json()
    for path, item in spec["paths"].items():
        for method in ("get", "post", "put", "patch", "delete"):
            if method in item:
                assert f"<code>{method.upper()} {path}</code>" in page, (method, path)
    assert "<code>GET /api/v1/agreements</code>" in page
