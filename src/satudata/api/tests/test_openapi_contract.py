"""The OpenAPI document describes what a generated client needs: how to send the token,
which operations need one, the refusals with their error shape, and the accepted values of
fixed-value fields (QA api.md #6)."""

from __future__ import annotations

import pytest

from satudata.accounts.services import create_token
from satudata.datasets.models import Dataset, Field
from satudata.integration.models import Connector

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operation(document, method, path):
    return document["paths"][f"/api/v1{path}"][method]


def test_the_token_schemes_are_declared_as_readme_describes(document):
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerToken"]["description"],
    }
    assert schemes["ckanApiKey"]["in"] == "header"
    assert schemes["ckanApiKey"]["name"] == "X-CKAN-API-Key"
    assert schemes["authorizationToken"]["name"] == "Authorization"
    assert "SignedIn" not in schemes  # ninja's internal name is replaced


def test_operations_say_whether_they_need_a_token(document):
    residents = operation(document, "get", "/residents")
    assert {"bearerToken": []} in residents["security"]
    assert {"ckanApiKey": []} in residents["security"]
    assert operation(document, "post", "/datasets")["security"]
    assert operation(document, "get", "/statistics/population")["security"] == []
    assert operation(document, "get", "/regions")["security"] == []


def test_every_operation_documents_its_refusals_with_the_error_schema(document):
    error = document["components"]["schemas"]["ErrorOut"]
    assert set(error["properties"]) == {"detail", "errors"}
    problem = document["components"]["schemas"]["ProblemOut"]
    assert set(problem["properties"]) == {"field", "message", "type"}
    for path, operations in document["paths"].items():
        for method, details in operations.items():
            responses = details["responses"]
            assert "401" in responses, (method, path)
            schema = responses["401"]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}
            if details["security"]:
                assert "403" in responses, (method, path)
    create = operation(document, "post", "/residents")["responses"]
    assert {"201", "400", "401", "403", "409"} <= set(create)
    one = operation(document, "get", "/residents/{resident_id}")["responses"]
    assert {"200", "400", "401", "403", "404"} <= set(one)


def test_the_description_no_longer_promises_later_releases(document):
    description = document["info"]["description"]
    assert "later releases" not in description
    assert "residents" in description and "datasets" in description
    assert "package_show" in description  # where one dataset is read


def test_fixed_value_fields_are_enumerations(document):
    schemas = document["components"]["schemas"]
    dataset_in = schemas["DatasetIn"]["properties"]
    assert dataset_in["topic"]["enum"] == Dataset.Topic.values
    assert dataset_in["access_level"]["enum"] == Dataset.Access.values
    assert dataset_in["frequency"]["enum"] == Dataset.Frequency.values
    assert schemas["FieldIn"]["properties"]["type"]["enum"] == Field.Type.values
    assert schemas["ConnectorIn"]["properties"]["kind"]["enum"] == Connector.Kind.values
    assert schemas["ConnectorIn"]["properties"]["format"]["enum"] == Connector.Format.values


def test_a_wrong_topic_is_refused_listing_the_accepted_values(clients):
    body = {"slug": "sekolah", "title": "Sekolah", "agency": "dinkes", "topic": "kesehatan"}
    response = clients["producer_a"].post("/api/v1/datasets", body, "application/json")
    assert response.status_code == 400
    accepted = ", ".join(Dataset.Topic.values)
    assert response.json()["errors"] == [
        {
            "field": "topic",
            "message": f"bukan salah satu nilai yang diterima ({accepted})",
            "type": "literal_error",
        }
    ]
    assert Dataset.objects.filter(slug="sekolah").count() == 0
    english = clients["producer_a"].post(
        "/api/v1/datasets", body, "application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert f"topic: is not one of the accepted values ({accepted})" in english.json()["detail"]


def test_a_wrong_connector_kind_is_refused_listing_the_accepted_values(clients):
    body = {"name": "X", "dataset": "none", "url": "https://example.org/x.csv", "kind": "ftp"}
    response = clients["producer_a"].post("/api/v1/connectors", body, "application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"
    assert response.json()["errors"][0]["message"].endswith("(url, ckan)")


def test_an_unauthenticated_call_names_the_scheme(client, cast):
    response = client.get("/api/v1/residents")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    _token, raw = create_token(cast.operator_a, "t")
    assert client.get("/api/v1/residents", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
