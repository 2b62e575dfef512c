"""Stylesheets, scripts and icons under URLs that name their content, kept by the browser."""

from __future__ import annotations

import re
import shutil

from coop_tracker.core.assets import ONE_YEAR, StaticDigests


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_every_static_url_on_a_page_names_its_content(client):
    urls = _static_urls(client.get("/login").get_data(as_text=True))
    assert {u.split("?")[0] for u in urls} >= {"/static/css/app.css", "/static/js/app.js"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url.replace("&amp;", "&")), url


def test_a_browser_keeps_a_named_file_for_a_year_and_asks_again_for_an_unnamed_one(client):
    url = next(
        u for u in _static_urls(client.get("/login").get_data(as_text=True)) if "app.css" in u
    )
    kept = client.get(url)
    assert kept.status_code == 200
    assert f"max-age={ONE_YEAR}" in kept.headers["Cache-Control"]
    kept.close()
    for other in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        asked = client.get(other)
        assert asked.status_code == 200
        assert f"max-age={ONE_YEAR}" not in asked.headers.get("Cache-Control", ""), other
        asked.close()


def test_an_edited_file_gets_a_new_url(app, tmp_path):
    copy = tmp_path / "static"
    shutil.copytree(app.static_folder, copy)
    digests = StaticDigests(str(copy))
    before = digests.digest("js/app.js")
    (copy / "js" / "app.js").write_text("// edited\n", encoding="utf-8")
    assert digests.digest("js/app.js") not in (None, before)
    assert digests.digest("js/no-such-file.js") is None
