"""CKAN Action API contract details a harvester meets: bad keys, unreadable bodies, groups,
licences, fq syntax and HEAD (QA report api.md, items 2, 3, 8, 10 and 11)."""

from __future__ import annotations

import json
import urllib.request

import pytest
from django.test import Client

from satudata.accounts.services import create_token, revoke_token
from satudata.datasets.tests.conftest import published, upload
from satudata.datasets.tests.test_ckan import CKAN, call, ckanapi


@pytest.fixture
def public_dataset(cast, dataset, tmp_path):
    return published(cast, dataset, tmp_path)


# --- a bad or revoked key gets CKAN's envelope on the CKAN paths -------------------------


@pytest.mark.parametrize("prefix", ["/api/3/action/", "/api/action/"])
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_AUTHORIZATION": "sd_made_up"},
        {"HTTP_AUTHORIZATION": "Bearer sd_made_up"},
        {"HTTP_X_CKAN_API_KEY": "garbage"},
    ],
)
def test_a_bad_key_on_ckan_paths_is_an_authorization_error(db, prefix, headers):
    response = Client().get(prefix + "package_search", {"rows": 0}, **headers)
    assert response.status_code == 403
    body = response.json()
    assert body["success"] is False and body["help"].endswith("help_show?name=package_search")
    assert body["error"]["__type"] == "Authorization Error"
    assert body["error"]["message"]
    assert "detail" not in body


def test_a_revoked_key_is_refused_even_for_a_logged_in_browser(clients, cast, public_dataset):
    token, raw = create_token(cast.custodian, "harvester")
    assert call(Client(HTTP_AUTHORIZATION=raw), "package_list")["result"]
    revoke_token(cast.custodian, token.pk)
    browser = clients["custodian"]  # a session must not stand in for the refused key
    response = browser.post(
        CKAN + "package_list", {}, content_type="application/json", HTTP_X_CKAN_API_KEY=raw
    )
    assert response.status_code == 403
    assert response.json()["error"]["__type"] == "Authorization Error"


# --- unreadable bodies are 400 in the envelope, never a 500 -------------------------------


@pytest.mark.parametrize("name", ["package_search", "datastore_search", "group_show"])
@pytest.mark.parametrize(
    "body",
    [
        b'{"q":' + b"[" * 5000 + b"]" * 5000 + b"}",
        b'{"q": ' + b"9" * 5000 + b"}",  # more digits than Python reads as an int
        b'{"q": "\xff"}',
        b"[1, 2]",
        b"{not json",
    ],
)
def test_unreadable_json_bodies_are_bad_requests(db, name, body):
    response = Client(raise_request_exception=False).post(
        CKAN + name, body, content_type="application/json"
    )
    assert response.status_code == 400, response.content[:200]
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["__type"] == "Bad request" and error["message"]


def test_too_many_form_fields_is_a_bad_request(db, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = Client().get(CKAN + "package_list", {f"k{i}": i for i in range(20)})
    assert response.status_code == 400
    assert response.json()["error"]["__type"] == "Bad request"


# --- group_show and license_list ------------------------------------------------------------


def test_group_show_gives_the_topic_group_and_its_datasets(client, public_dataset):
    group = call(client, "group_show", id="health")["result"]
    assert group["name"] == "health" and group["type"] == "group"
    assert group["is_organization"] is False and group["package_count"] == 1
    assert "packages" not in group
    for key in ("title", "display_name", "description", "image_url", "state", "extras"):
        assert key in group
    with_datasets = call(client, "group_show", id="health", include_datasets="true")["result"]
    assert [p["name"] for p in with_datasets["packages"]] == [public_dataset.slug]
    empty = call(client, "group_show", id="education", include_datasets="true")["result"]
    assert empty["package_count"] == 0 and empty["packages"] == []
    missing = call(client, "group_show", 404, id="kesehatan")
    assert missing["error"]["__type"] == "Not Found Error"
    assert call(client, "group_show", 409)["error"]["id"]


def test_group_show_hides_draft_limited_and_closed_datasets(
    client, clients, cast, dataset, tmp_path
):
    upload(cast.producer_a, dataset, tmp_path)  # a draft: nobody outside the agency sees it
    assert (
        call(client, "group_show", id="health", include_datasets=True)["result"]["packages"] == []
    )
    public = published(cast, dataset, tmp_path)
    public.access_level = "limited"
    public.save()
    assert call(client, "group_show", id="health")["result"]["package_count"] == 0
    shown = call(clients["operator_a"], "group_show", id="health", include_datasets=True)
    assert [p["name"] for p in shown["result"]["packages"]] == [public.slug]
    public.access_level = "closed"
    public.save()
    assert call(clients["operator_a"], "group_show", id="health")["result"]["package_count"] == 0


def test_license_list_gives_ckan_licence_dictionaries(client, db):
    licences = {item["id"]: item for item in call(client, "license_list")["result"]}
    assert {"cc-by", "cc-zero", "odc-by", "other-closed"} <= set(licences)
    assert licences["cc-by"]["url"].startswith("https://creativecommons.org/")
    assert licences["cc-by"]["od_conformance"] == "approved"
    assert licences["other-closed"]["is_okd_compliant"] is False


# --- fq that cannot be parsed is a Search Query Error ----------------------------------------


@pytest.mark.parametrize(
    "fq",
    [
        "(((",
        ")",
        "organization:",
        "organization: dinkes",
        'tags:"unclosed',
        "metadata_modified:[2020-01-01T00:00:00Z TO *",
        "organization:()",
        "(organization:dinkes OR organization:dinsos)",
        "OR organization:dinkes",
        "organization:dinkes OR",
        "organization:dinkes OR OR organization:dinsos",
        "-",
    ],
)
def test_an_unparsable_fq_is_a_search_query_error(client, public_dataset, fq):
    body = call(client, "package_search", 400, fq=fq)
    assert body["error"]["__type"] == "Search Query Error"
    assert "fq" in body["error"]["message"]


@pytest.mark.parametrize(
    ("fq", "count"),
    [
        ("", 1),
        ("*:*", 1),
        ("organization:dinkes", 1),
        ("organization:(dinkes OR dinsos)", 1),
        ('tags:"kesehatan"', 1),
        ("-organization:dinkes", 0),
        ("NOT organization:dinkes", 0),
        ("organization:dinsos OR groups:health", 1),
        ("organization:dinkes AND groups:health", 1),
        ("metadata_modified:[2020-01-01T00:00:00Z TO *]", 1),
        ("kesehatan", 1),
    ],
)
def test_valid_fq_forms_keep_working(client, public_dataset, fq, count):
    assert call(client, "package_search", fq=fq)["result"]["count"] == count


def test_fq_errors_come_back_in_english_too(public_dataset):
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    body = call(english, "package_search", 400, fq="organization:")
    assert "fq: cannot read organization:" in body["error"]["message"]


# --- HEAD ------------------------------------------------------------------------------------


def test_head_answers_like_get_without_a_body(client, public_dataset):
    got = client.get(CKAN + "package_show", {"id": public_dataset.slug})
    head = client.head(CKAN + "package_show", {"id": public_dataset.slug})
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Type"] == got["Content-Type"] == "application/json"
    assert client.head(CKAN + "package_show", {"id": "tidak-ada"}).status_code == 404
    refused = client.put(CKAN + "package_list")
    assert refused.status_code == 405 and "HEAD" in refused["Allow"]


# --- the real client --------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_ckanapi_dumps_groups_and_raises_not_authorized_for_a_bad_key(live_server, tmp_path):
    from satudata.regions.loader import load_regions

    load_regions(["62"])  # transactional tests flush the database
    dump = ckanapi(live_server.url, "dump", "groups", "--all", "-O", "groups.jsonl", cwd=tmp_path)
    assert dump.returncode == 0, dump.stderr
    groups = [json.loads(line) for line in (tmp_path / "groups.jsonl").read_text().splitlines()]
    assert "health" in {g["name"] for g in groups}

    denied = ckanapi(
        live_server.url, "action", "package_list", "-a", "sd_revoked_or_made_up", cwd=tmp_path
    )
    assert denied.returncode != 0
    assert "NotAuthorized" in denied.stderr, denied.stderr

    # A real server leaves HEAD's body out, with GET's status and headers.
    url = live_server.url + CKAN + "status_show"
    probe = urllib.request.Request(url, method="HEAD")  # noqa: S310 - the test server
    with urllib.request.urlopen(probe, timeout=10) as response:  # noqa: S310
        assert response.status == 200 and response.read() == b""
        assert response.headers["Content-Type"] == "application/json"
