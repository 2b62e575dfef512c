"""Municipalities and areas in the API: lists with the envelope, filters, one by key, 404s."""

from __future__ import annotations


def test_municipality_list_is_a_page_of_all_290(api):
    body = api.get("/api/v1/municipalities").get_json()
    assert set(body) == {"items", "total", "page", "per_page"}
    assert (body["total"], body["page"], body["per_page"]) == (290, 1, 50)
    assert len(body["items"]) == 50
    names = [m["name"] for m in body["items"]]
    assert names[0] == "Ale"


def test_municipality_list_pages_do_not_overlap(api):
    first = api.get("/api/v1/municipalities?per_page=10&page=1").get_json()["items"]
    second = api.get("/api/v1/municipalities?per_page=10&page=2").get_json()["items"]
    assert len(first) == len(second) == 10
    assert not {m["code"] for m in first} & {m["code"] for m in second}
    last = api.get("/api/v1/municipalities?per_page=200&page=2").get_json()
    assert len(last["items"]) == 90


def test_municipality_filters(api):
    dalarna = api.get("/api/v1/municipalities?county=20&per_page=200").get_json()
    assert dalarna["total"] == 15
    assert all(m["county_code"] == "20" for m in dalarna["items"])
    by_name = api.get("/api/v1/municipalities?q=vansb").get_json()
    assert [m["code"] for m in by_name["items"]] == ["2021"]
    by_code = api.get("/api/v1/municipalities?q=2021").get_json()
    assert [m["name"] for m in by_code["items"]] == ["Vansbro"]
    nothing = api.get("/api/v1/municipalities?q=100%25_").get_json()
    assert nothing["total"] == 0


def test_municipality_by_code(api):
    response = api.get("/api/v1/municipalities/2021")
    assert response.status_code == 200
    body = response.get_json()
    assert body["name"] == "Vansbro"
    assert body["county_code"] == "20"
    assert body["county_name"] == "Dalarnas län"


def test_unknown_municipality_is_a_swedish_404(api):
    # "20%0021" is a NUL byte inside: PostgreSQL refuses NUL in text, which was a 500.
    for code in ("9999", "20", "abcd", "20210", "20%0021", "%00%00%00%00"):
        response = api.get(f"/api/v1/municipalities/{code}")
        assert response.status_code == 404
        body = response.get_json()
        assert body["error"] == "not_found"
        assert body["message"].startswith("Kommunen finns inte")


def test_bad_county_filter_is_422_naming_the_field(api):
    response = api.get("/api/v1/municipalities?county=Dalarna")
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"county": "Länskod ska vara två siffror, t.ex. 20."}


def test_area_list_and_one_area(api):
    body = api.get("/api/v1/areas?per_page=200").get_json()
    slugs = [a["slug"] for a in body["items"]]
    assert body["total"] == len(slugs) >= 20
    assert "raddningstjanst" in slugs and "miljo-halsoskydd" in slugs
    area = api.get("/api/v1/areas/raddningstjanst").get_json()
    assert area == {
        "slug": "raddningstjanst",
        "label_sv": "Räddningstjänst",
        "label_en": area["label_en"],
        "is_active": True,
    }


def test_unknown_area_is_a_swedish_404(api):
    response = api.get("/api/v1/areas/no-such-area")
    assert response.status_code == 404
    assert response.get_json()["message"] == "Samverkansområdet finns inte."
