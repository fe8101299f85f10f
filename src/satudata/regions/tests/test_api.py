import pytest

from satudata.conftest import VILLAGE_A, VILLAGE_B


@pytest.mark.django_db
def test_search_by_name_puts_the_exact_name_and_larger_regions_first(client):
    response = client.get("/api/v1/regions", {"q": "kubu raya"})
    assert response.status_code == 200
    first = response.json()["results"][0]
    assert first["code"] == "61.12"
    assert first["name"] == "Kabupaten Kubu Raya"


@pytest.mark.django_db
def test_search_matches_word_prefixes_and_every_word(client):
    names = [r["name"] for r in client.get("/api/v1/regions", {"q": "nata ray"}).json()["results"]]
    assert "Natai Raya" in names
    assert all("nata" in n.lower() and "ray" in n.lower() for n in names)


@pytest.mark.django_db
def test_filter_by_parent_lists_the_districts_of_kubu_raya(client):
    body = client.get("/api/v1/regions", {"parent": "6112", "limit": 100}).json()
    assert body["count"] == 9
    assert {r["parent"] for r in body["results"]} == {"61.12"}
    assert body["results"][0]["code"] == "61.12.01"


@pytest.mark.django_db
def test_count_is_the_total_when_a_page_is_full(client):
    body = client.get("/api/v1/regions", {"parent": "61.12.01", "limit": 5}).json()
    assert len(body["results"]) == 5
    assert body["count"] > 5


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["61.12.01.2001", "6112012001"])
def test_lookup_by_code_in_both_forms(client, code):
    body = client.get(f"/api/v1/regions/{code}").json()
    assert body == {
        "code": "61.12.01.2001",
        "name": "Sungai Raya",
        "level": 4,
        "kind": "desa",
        "parent": "61.12.01",
        "postal_code": body["postal_code"],
    }


@pytest.mark.django_db
def test_malformed_code_is_a_400_with_a_message(client):
    response = client.get("/api/v1/regions/61.1x")
    assert response.status_code == 400
    assert "61.1x" in response.json()["detail"]


@pytest.mark.django_db
def test_unknown_code_is_a_404_with_a_message(client):
    response = client.get("/api/v1/regions/99.99.99.9999")
    assert response.status_code == 404
    assert "99.99.99.9999" in response.json()["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params", [{"limit": 0}, {"limit": 1000}, {"level": 9}, {"offset": -1}, {"limit": "x"}]
)
def test_bad_list_parameters_are_a_400_naming_the_field(client, params):
    response = client.get("/api/v1/regions", params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["detail"]


@pytest.mark.django_db
def test_malformed_parent_is_a_400(client):
    assert client.get("/api/v1/regions", {"parent": "zz"}).status_code == 400


@pytest.mark.django_db
def test_village_operator_adds_units_to_own_village_through_the_api(clients):
    api = clients["operator_a"]
    hamlet = api.post(
        f"/api/v1/regions/{VILLAGE_A}/units",
        {"level": "hamlet", "name": "Dusun Sejahtera"},
        content_type="application/json",
    )
    assert hamlet.status_code == 201, hamlet.content
    rw = api.post(
        f"/api/v1/regions/{VILLAGE_A}/units",
        {"level": "rw", "name": "2", "parent": hamlet.json()["id"]},
        content_type="application/json",
    )
    assert rw.status_code == 201
    assert rw.json()["name"] == "002"
    listed = clients["anonymous"].get(f"/api/v1/regions/{VILLAGE_A}/units").json()
    assert {u["name"] for u in listed} == {"Dusun Sejahtera", "002"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("operator_b", 403), ("district_viewer", 403), ("producer_a", 403), ("anonymous", 401)],
)
def test_others_cannot_add_units_to_a_village(clients, who, status):
    response = clients[who].post(
        f"/api/v1/regions/{VILLAGE_A}/units",
        {"level": "hamlet", "name": "Dusun X"},
        content_type="application/json",
    )
    assert response.status_code == status


@pytest.mark.django_db
def test_custodian_may_add_units_anywhere(clients):
    response = clients["custodian"].post(
        f"/api/v1/regions/{VILLAGE_B}/units",
        {"level": "hamlet", "name": "Dusun I"},
        content_type="application/json",
    )
    assert response.status_code == 201


@pytest.mark.django_db
def test_an_rt_directly_in_a_village_is_refused_with_a_reason(clients):
    response = clients["operator_a"].post(
        f"/api/v1/regions/{VILLAGE_A}/units",
        {"level": "rt", "name": "001"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "RT" in response.json()["detail"]


@pytest.mark.django_db
def test_units_cannot_be_added_to_a_district(clients):
    response = clients["custodian"].post(
        "/api/v1/regions/62.01.02/units",
        {"level": "hamlet", "name": "Dusun I"},
        content_type="application/json",
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_session_writes_to_the_api_need_the_csrf_token(cast):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast.operator_a)
    response = browser.post(
        f"/api/v1/regions/{VILLAGE_A}/units",
        {"level": "hamlet", "name": "Dusun CSRF"},
        content_type="application/json",
    )
    assert response.status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["%", "_", "%%", " % "])
def test_a_search_of_only_wildcards_finds_nothing_rather_than_every_region(client, query):
    body = client.get("/api/v1/regions", {"q": query}).json()
    assert body["count"] == 0 and body["results"] == []
    page = client.get("/regions/", {"q": query})
    assert page.status_code == 200
    assert "61.01" not in page.content.decode()
