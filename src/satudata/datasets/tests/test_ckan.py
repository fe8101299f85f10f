"""The CKAN Action API: envelope, search, datastore reads and the safety of every parameter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from satudata.datasets.models import Release
from satudata.datasets.tests.conftest import published

CKAN = "/api/3/action/"


@pytest.fixture
def public_dataset(cast, dataset, tmp_path):
    return published(cast, dataset, tmp_path)


@pytest.fixture
def resource_id(public_dataset):
    return str(Release.objects.get(dataset=public_dataset).uuid)


def call(client, name, status=200, **params):
    response = client.get(CKAN + name, params)
    assert response.status_code == status, response.content
    return response.json()


def test_status_show_and_the_envelope(
    client, db
):  # every action runs under the public read time limit
    body = call(client, "status_show")
    assert body["success"] is True and "help" in body
    assert body["result"]["ckan_version"].startswith("2.")


def test_unknown_action_is_a_400(client, db):  # every action runs under the public read time limit
    body = call(client, "no_such_action", 400)
    assert body["success"] is False


def test_package_search_with_fq_facets_and_paging(client, public_dataset):
    body = call(
        client,
        "package_search",
        q="kesehatan",
        fq="organization:dinkes OR organization:dinsos -tags:rahasia "
        "metadata_modified:[2020-01-01T00:00:00Z TO *]",
        **{"facet.field": '["organization","tags","res_format"]'},
    )["result"]
    assert body["count"] == 1
    assert body["results"][0]["name"] == public_dataset.slug
    assert body["facets"]["organization"] == {"dinkes": 1}
    assert body["search_facets"]["tags"]["items"][0]["count"] == 1
    assert call(client, "package_search", fq="-organization:dinkes")["result"]["count"] == 0
    assert call(client, "package_search", start=1)["result"]["results"] == []
    assert call(client, "package_search", rows=5000, status=409)["success"] is False


def test_bad_fq_and_sort_are_search_query_errors(
    client, db
):  # every action runs under the public read time limit
    body = call(client, "package_search", 400, fq="secret_field:1")
    assert body["error"]["__type"] == "Search Query Error"
    body = call(client, "package_search", 400, sort="password asc")
    assert body["error"]["__type"] == "Search Query Error"
    # A digit that is not 0–9 ("²" passes str.isdigit) is a query error, not a server error.
    body = call(client, "package_search", 400, fq="year:²")
    assert body["error"]["__type"] == "Search Query Error"


def test_package_show_and_limited_and_draft_datasets(
    client, clients, cast, public_dataset, dataset
):
    result = call(client, "package_show", id=public_dataset.slug)["result"]
    assert result["organization"]["name"] == "dinkes"
    assert result["resources"][0]["datastore_active"] is True
    assert {t["name"] for t in result["tags"]} == {"kesehatan", "puskesmas"}
    public_dataset.access_level = "limited"
    public_dataset.save()
    body = call(client, "package_show", 403, id=public_dataset.slug)
    assert body["error"]["__type"] == "Authorization Error"
    assert call(clients["operator_a"], "package_show", id=public_dataset.slug)["success"]
    assert call(client, "package_show", 404, id="tidak-ada")["error"]["__type"] == "Not Found Error"


def test_organization_group_tag_and_resource_actions(client, public_dataset, resource_id):
    assert "dinkes" in call(client, "organization_list")["result"]
    org = call(client, "organization_show", id="dinkes", include_datasets="true")["result"]
    assert org["package_count"] == 1 and org["packages"][0]["name"] == public_dataset.slug
    assert "health" in call(client, "group_list")["result"]
    assert call(client, "tag_list")["result"] == ["kesehatan", "puskesmas"]
    assert call(client, "resource_show", id=resource_id)["result"]["id"] == resource_id


def test_groups_sort_by_title_and_tags_give_dictionaries(client, public_dataset):
    titles = [g["title"] for g in call(client, "group_list", all_fields="true")["result"]]
    assert titles == sorted(titles) and len(titles) > 3
    by_count = call(client, "group_list", sort="package_count desc", limit=1)["result"]
    assert by_count == ["health"]
    assert call(client, "group_list", groups="health,economy")["result"] == ["economy", "health"]
    assert call(client, "group_list", 409, sort="secret asc")["success"] is False
    tags = call(client, "tag_list", all_fields="true")["result"]
    assert [t["name"] for t in tags] == ["kesehatan", "puskesmas"]
    assert tags[0]["vocabulary_id"] is None


def test_the_help_link_of_every_answer_works(
    client, db
):  # every action runs under the public read time limit
    help_url = call(client, "status_show")["help"]
    assert help_url.endswith("/api/3/action/help_show?name=status_show")
    body = client.get(help_url.split("testserver", 1)[1]).json()
    assert body["success"] is True and "Version and capabilities" in body["result"]
    missing = client.get(CKAN + "help_show", {"name": "drop_table"})
    assert missing.status_code == 404 and missing.json()["success"] is False


def test_datastore_search_filters_sorts_and_pages(client, resource_id):
    result = call(
        client,
        "datastore_search",
        resource_id=resource_id,
        filters=json.dumps({"jenis": "puskesmas"}),
        sort="jumlah desc",
        limit=1,
    )["result"]
    assert result["total"] == 2
    assert result["records"][0]["jumlah"] == 2
    assert {f["id"]: f["type"] for f in result["fields"]}["jumlah"] == "int"
    assert "offset=1" in result["_links"]["next"]
    # Following `next` continues the same search: filtered, sorted, one row a page.
    following = client.get(result["_links"]["next"]).json()["result"]
    assert following["total"] == 2 and following["offset"] == 1 and following["limit"] == 1
    assert [r["jumlah"] for r in following["records"]] == [result["records"][0]["jumlah"] - 1]
    assert "offset" not in client.get(result["_links"]["start"]).json()["result"]["_links"]["start"]
    lists = call(
        client,
        "datastore_search",
        resource_id=resource_id,
        records_format="lists",
        fields="jumlah,aktif",
    )["result"]
    assert lists["records"][0] == [2, True]


@pytest.mark.parametrize(
    "params",
    [
        {"filters": '{"password": "x"}'},
        {"filters": '{"jumlah": "1; DROP TABLE datasets_dataset"}'},
        {"sort": "jumlah; DROP TABLE datasets_dataset"},
        {"sort": "(SELECT 1)"},
        {"fields": 'jumlah,"_id" FROM x --'},
        {"fields": "nik"},
        {"q": '{"password": "x"}'},
        {"limit": "1 OR 1=1"},
        {"offset": "-1"},
        {"records_format": "xml"},
    ],
)
def test_datastore_search_refuses_bad_parameters(client, resource_id, params):
    body = call(client, "datastore_search", 409, resource_id=resource_id, **params)
    assert body["error"]["__type"] == "Validation Error"


def test_datastore_search_of_a_draft_or_unknown_resource_is_not_found(
    client, cast, dataset, tmp_path
):
    from satudata.datasets.tests.conftest import upload

    release = upload(cast.producer_a, dataset, tmp_path)
    body = call(client, "datastore_search", 404, resource_id=str(release.uuid))
    assert body["error"]["__type"] == "Not Found Error"
    assert call(client, "datastore_search", 404, resource_id="' OR 1=1 --")["success"] is False


def test_datastore_search_sql_reads_public_tables(client, resource_id):
    sql = f'SELECT jenis, SUM(jumlah) AS total FROM "{resource_id}" GROUP BY jenis ORDER BY jenis'
    result = call(client, "datastore_search_sql", sql=sql)["result"]
    assert result["records"] == [{"jenis": "puskesmas", "total": 3}, {"jenis": "pustu", "total": 3}]


@pytest.mark.parametrize(
    "template",
    [
        'SELECT * FROM "{r}"; DROP TABLE datasets_dataset',
        'SELECT * FROM "{r}" -- comment',
        'SELECT * FROM "{r}" /* c */',
        "SELECT username, password FROM accounts_user",
        'SELECT * FROM "{r}" UNION SELECT username, password, 1, 1, 1, 1, 1, 1 FROM accounts_user',
        "SELECT pg_read_file('/etc/passwd')",
        "SELECT pg_sleep(10)",
        'SELECT * FROM "{r}" WHERE randomblob(1000000000) IS NOT NULL',
        "SELECT load_extension('x')",
        'DELETE FROM "{r}"',
        "WITH x AS (SELECT * FROM accounts_user) SELECT * FROM x",
        'SELECT * INTO stolen FROM "{r}"',
        "SELECT * FROM pg_catalog.pg_user",
        "SELECT * FROM sqlite_master",
        'SELECT * FROM "{r}" FOR UPDATE',
        "",
    ],
)
def test_datastore_search_sql_refuses_what_it_must(client, resource_id, template):
    body = call(client, "datastore_search_sql", 409, sql=template.format(r=resource_id))
    assert body["error"]["__type"] == "Validation Error"
    assert "password" not in json.dumps(body).replace("password FROM", "")


def test_datastore_search_sql_cannot_read_a_draft_table(client, cast, dataset, tmp_path):
    from satudata.datasets.tests.conftest import upload

    release = upload(cast.producer_a, dataset, tmp_path)
    body = call(client, "datastore_search_sql", 409, sql=f'SELECT * FROM "{release.uuid}"')
    assert "bukan tabel datastore publik" in body["error"]["query"][0]


@pytest.mark.parametrize(
    "template, indonesian, english",
    [
        (
            'SELECT jumlahh FROM "{r}"',
            "Kolom jumlahh tidak ada di tabel ini.",
            "The column jumlahh does not exist in this table.",
        ),
        (
            'SELECT jenis FROM "{r}" AS a, "{r}" AS b',
            "Kolom jenis ada di lebih dari satu tabel: sebutkan tabelnya.",
            "The column jenis is in more than one table: name its table.",
        ),
    ],
)
def test_datastore_search_sql_explains_a_database_error_in_the_callers_language(
    client, resource_id, template, indonesian, english
):
    """The database's own text is English (and on PostgreSQL names our internal tables):
    the common mistakes are told in the caller's language, naming the column."""
    sql = template.format(r=resource_id)
    body = call(client, "datastore_search_sql", 409, sql=sql)
    assert body["error"]["query"] == [indonesian]
    response = client.get(
        CKAN + "datastore_search_sql", {"sql": sql}, headers={"accept-language": "en"}
    )
    assert response.json()["error"]["query"] == [english]


def test_post_with_a_json_body_works(client, public_dataset):
    response = client.post(
        CKAN + "package_search", {"q": "kesehatan"}, content_type="application/json"
    )
    assert response.json()["result"]["count"] == 1
    assert (
        client.post(
            "/api/action/package_search", b"not json", content_type="application/json"
        ).status_code
        == 400
    )


def ckanapi(server_url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("ckanapi")
    return subprocess.run(
        [str(exe), *args, "-r", server_url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={
            **os.environ,
            "PYTHONIOENCODING": "utf-8",
            # `ckanapi dump` starts its workers as `ckanapi` from PATH.
            "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        },
    )


@pytest.mark.django_db(transaction=True)
def test_the_real_ckanapi_client_searches_dumps_and_reads_the_datastore(live_server, tmp_path):
    from satudata.accounts.models import Agency, User
    from satudata.conftest import TEST_PROVINCES, Cast, make_user  # noqa: F401
    from satudata.datasets import services
    from satudata.datasets.tests.conftest import FIELDS, upload
    from satudata.regions.loader import load_regions

    load_regions(["62"])  # transactional tests flush the database
    agency = Agency.objects.create(slug="dinkes", name="Dinas Kesehatan")
    custodian = make_user("walidata", User.Role.CUSTODIAN)
    producer = make_user("produsen.a", User.Role.PRODUCER, agency=agency)
    services.create_code_list(
        custodian, "jenis-faskes", "Jenis", [("puskesmas", "P"), ("pustu", "Pp")]
    )
    dataset = services.create_dataset(
        producer,
        agency=agency,
        slug="faskes",
        title="Fasilitas kesehatan",
        topic="health",
        fields=FIELDS,
        tags=["kesehatan"],
    )
    release = upload(producer, dataset, tmp_path)
    services.submit(producer, dataset)
    services.verify(custodian, dataset)
    services.publish(custodian, dataset)

    found = ckanapi(live_server.url, "action", "package_search", "q=kesehatan", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["count"] == 1

    dump = ckanapi(live_server.url, "dump", "datasets", "--all", "-O", "dump.jsonl", cwd=tmp_path)
    assert dump.returncode == 0, dump.stderr
    lines = (tmp_path / "dump.jsonl").read_text().splitlines()
    assert [json.loads(line)["name"] for line in lines] == ["faskes"]

    rows = ckanapi(
        live_server.url,
        "action",
        "datastore_search",
        f"resource_id={release.uuid}",
        "limit=2",
        cwd=tmp_path,
    )
    assert rows.returncode == 0, rows.stderr
    assert len(json.loads(rows.stdout)["records"]) == 2

    denied = ckanapi(
        live_server.url, "action", "datastore_search_sql", "sql=SELECT 1; SELECT 2", cwd=tmp_path
    )
    assert denied.returncode != 0
    assert "ValidationError" in denied.stderr or "Validation" in denied.stderr + denied.stdout
