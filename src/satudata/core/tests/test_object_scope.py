"""Object scope, generated from the URL configuration and the API's operations.

Every non-public route that takes an object (a village, resident, family, dataset, release,
connector, aid list, letter, message, map layer, import job, token…) is called by each account
of the cast whose role may use it: once with that kind of object belonging to its own village
or agency, once with the same kind of object belonging to another village or agency. Its own
object must be served; the other must be refused (403/404) for every method, and the refusal
must change nothing (no audit entry is written). The district viewer, who only reads, must be
refused another district's objects on every route. A new object parameter needs a factory in
`World` below, so new routes cannot slip past this test.
"""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from satudata.accounts.models import User
from satudata.accounts.services import create_token
from satudata.api.tests.test_operation_access import OPERATIONS
from satudata.audit.models import AuditEntry
from satudata.conftest import OTHER_DISTRICT_VILLAGE, VILLAGE_A, VILLAGE_B, make_user
from satudata.core import access
from satudata.core.tests.test_route_access import ROUTES, SAMPLE_ARGS
from satudata.datasets import services as datasets
from satudata.feedback import services as feedback
from satudata.integration import services as integration
from satudata.letters import services as letters
from satudata.quality.services import verify
from satudata.regions import services as regions
from satudata.regions.models import Region
from satudata.registry import services as registry
from satudata.registry.models import ImportJob
from satudata.registry.tests.helpers import kk_for, nik_for, resident_data
from satudata.villages import services as villages

pytestmark = pytest.mark.django_db

# Parameters that name no owned object: the same value on both sides.
NEUTRAL = {"fmt": "csv"}
# Objects only the custodian may touch (role routes that no scoped role passes).
CUSTODIAN_ONLY = {"model_label", "object_pk", "pair_id", "merge_id", "conflict_id"}

POINT = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "SDN 1"},
            "geometry": {"type": "Point", "coordinates": [111.65, -2.72]},
        }
    ],
}


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, format="JPEG")
    return SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")


def _village_objects(operator, code: str, tmp_path, side: str, serial: int) -> dict[str, str]:
    """One of each village-owned object, made by that village's operator."""
    village = Region.objects.get(code=code)
    birth = datetime.date(1985, 3, 9)
    person = registry.register_resident(
        operator,
        village,
        resident_data(
            nik=nik_for(birth, 2, code, serial=serial),
            birth_date=birth,
            village=code,
            name=f"Warga Lingkup {side.upper()}",
        ),
    )
    family = registry.register_family(operator, village, kk_for(code, serial=serial))
    unit = regions.add_local_unit(operator, village, "hamlet", f"Dusun Lingkup {side}")
    errors = tmp_path / f"kesalahan-{side}.csv"
    errors.write_text("baris,kolom,nilai,pesan\n", encoding="utf-8")
    job = ImportJob.objects.create(
        file_name="penduduk.csv",
        path=str(tmp_path / "penduduk.csv"),
        village=village,
        actor=operator,
        error_path=str(errors),
    )
    layer, _ = villages.upload_layer(
        operator,
        village,
        name=f"Sekolah {side}",
        kind="school",
        filename="sekolah.geojson",
        data=json.dumps(POINT).encode(),
    )
    letter = letters.issue(operator, nik=person.nik, letter_type="domicile")
    entry = villages.save_potential(
        operator, village, year=2025, category="agriculture", item="Sawah", value="5", unit="ha"
    )
    message = feedback.submit(
        category="suggestion", text=f"Saran lingkup {side}", village=village, photo=_photo()
    )
    _token, _secret = create_token(operator, f"token {side}")
    return {
        "code": code,
        "resident_id": str(person.pk),
        "family_id": str(family.pk),
        "unit_id": str(unit.pk),
        "job_id": str(job.pk),
        "layer_id": str(layer.pk),
        "letter_id": str(letter.pk),
        "entry_id": str(entry.pk),
        "feedback_id": str(message.pk),
        "token_id": str(_token.pk),
        "_version": person.version,
        "_new_kk": kk_for(code, serial=serial + 1),
    }


def _agency_objects(cast, side: str, tmp_path) -> dict[str, str]:
    """One of each agency-owned object, made by that agency's producer."""
    producer = cast.producer_a if side == "a" else cast.producer_b
    agency = cast.agency_a if side == "a" else cast.agency_b
    dataset = datasets.create_dataset(
        producer,
        agency=agency,
        slug=f"data-lingkup-{side}",
        title=f"Data lingkup {side}",
        topic="health",
        fields=[
            {"name": "kode_wilayah", "label": "Kode wilayah", "type": "region", "required": True},
            {"name": "jumlah", "label": "Jumlah", "type": "integer", "required": True},
        ],
    )
    path = tmp_path / f"rilis-{side}.csv"
    path.write_text("kode_wilayah,jumlah\n62.01.02.2016,4\n", encoding="utf-8")
    release = datasets.upload_release(
        producer, dataset, path=path, fmt="csv", year=2025, source_name=path.name
    )
    connector = integration.create_connector(
        producer, name=f"SIM {side}", dataset=dataset, url="http://127.0.0.1:9/x.csv", year=2025
    )
    recipients = f"nik,nama\n{nik_for(datetime.date(1980, 1, 2), 1)},Budi\n".encode()
    blist, _report = verify.upload(producer, recipients, "penerima.csv", f"Program {side}")
    message = feedback.submit(
        category="complaint", text=f"Aduan lingkup {side}", agency=agency, photo=_photo()
    )
    _token, _secret = create_token(producer, f"token {side}")
    return {
        "slug": dataset.slug,
        "agency": agency.slug,
        "resource_id": release.resource_id,
        "connector_id": str(connector.pk),
        "list_id": str(blist.pk),
        "feedback_id": str(message.pk),
        "token_id": str(_token.pk),
    }


@pytest.fixture
def world(cast, tmp_path):
    """{actor name: {"own": params, "other": params}} for the operator and the producer."""
    own_village = _village_objects(cast.operator_a, VILLAGE_A, tmp_path, "a", 11)
    far_operator = make_user(
        "operator.jauh",
        User.Role.VILLAGE_OPERATOR,
        region=Region.objects.get(code=OTHER_DISTRICT_VILLAGE),
    )
    return {
        "operator_a": {
            "own": own_village,
            "other": _village_objects(cast.operator_b, VILLAGE_B, tmp_path, "b", 22),
        },
        # The district viewer reads its district (village A's) and nothing of another district.
        "district_viewer": {
            "own": own_village,
            "other": _village_objects(far_operator, OTHER_DISTRICT_VILLAGE, tmp_path, "c", 33),
        },
        "producer_a": {
            "own": _agency_objects(cast, "a", tmp_path),
            "other": _agency_objects(cast, "b", tmp_path),
        },
    }


# Bodies that pass the route's own form/schema checks, so that a refusal must come from the
# scope check and not from validation (which may run before the view).
PAGE_POSTS = {
    "/workspace/datasets/<slug:slug>/workflow/": lambda p: {"step": "submit"},
}
API_BODIES = {
    "POST /api/v1/regions/{code}/units": lambda p: {"level": "hamlet", "name": "Dusun Baru"},
    "PATCH /api/v1/residents/{resident_id}": lambda p: {"version": p["_version"], "name": "X Y"},
    "PATCH /api/v1/families/{family_id}": lambda p: {"version": 1, "address": "Jl. X"},
    "POST /api/v1/residents/{resident_id}/events": lambda p: {
        "kind": "death",
        "date": "2025-01-02",
    },
    "POST /api/v1/residents/{resident_id}/family": lambda p: {
        "family": int(p["family_id"]),
        "relationship": 4,
    },
    "POST /api/v1/families/{family_id}/births": lambda p: {
        "name": "Bayi Baru",
        "sex": 1,
        "birth_date": "2025-01-02",
        "nik_is_temporary": True,
    },
    "POST /api/v1/families/{family_id}/split": lambda p: {
        "members": [int(p["resident_id"])],
        "new_head": int(p["resident_id"]),
        "family_number": p["_new_kk"],
    },
    "POST /api/v1/families/{family_id}/head": lambda p: {"new_head": int(p["resident_id"])},
    "POST /api/v1/datasets/{slug}/return": lambda p: {"comment": "Perbaiki kolom jumlah."},
    "POST /api/v1/datasets/{slug}/unpublish": lambda p: {"comment": "Ditinjau ulang."},
    "POST /api/v1/datasets/{slug}/releases/{resource_id}/withdraw": lambda p: {"reason": "NIK"},
}
MULTIPART_BODIES = {
    "POST /api/v1/datasets/{slug}/releases": lambda p: {
        "year": 2024,
        "file": SimpleUploadedFile("rilis.csv", b"kode_wilayah,jumlah\n62.01.02.2016,5\n"),
    },
}


def _names(route: str) -> list[str]:
    return [m.split(":")[-1] for m in re.findall(r"[<{]([^>}]+)[>}]", route)]


def _fill(route: str, values: dict[str, str]) -> str:
    return re.sub(r"[<{]([^>}]+)[>}]", lambda m: values[m.group(1).split(":")[-1]], route)


def _object_routes():
    """(label, method list, route template, roles or None) of every non-public object route."""
    found = []
    for route, callback in ROUTES:
        names = _names(route)
        if callback.access == access.PUBLIC or not set(names) - set(NEUTRAL):
            continue
        roles = callback.access_roles if callback.access == access.ROLE else None
        found.append((f"/{route}", ["get", "post"], "/" + route, roles))
    for method, route, operation in OPERATIONS:
        if not operation.auth_callbacks or not set(_names(route)) - set(NEUTRAL):
            continue
        found.append((f"{method} {route}", [method.lower()], route, None))
    return found


OBJECT_ROUTES = _object_routes()


def test_every_object_parameter_has_a_factory():
    known = set(NEUTRAL) | CUSTODIAN_ONLY | set(SAMPLE_ARGS)
    for label, _methods, route, _roles in OBJECT_ROUTES:
        missing = set(_names(route)) - known
        assert not missing, f"{label}: add {missing} to the factories of test_object_scope"


def _call(client, method: str, route: str, params: dict, api: bool):
    path = _fill(route, {**NEUTRAL, **params})
    key = f"{method.upper()} {route}"
    if key in MULTIPART_BODIES:
        return client.post(path, MULTIPART_BODIES[key](params))
    if api:
        body = json.dumps(API_BODIES.get(key, lambda p: {})(params))
        return client.generic(method.upper(), path, body, content_type="application/json")
    if method == "post":
        return client.post(path, PAGE_POSTS.get(route, lambda p: {})(params))
    return client.get(path)


@pytest.mark.parametrize(
    ("label", "methods", "route", "roles"), OBJECT_ROUTES, ids=[r[0] for r in OBJECT_ROUTES]
)
def test_objects_of_another_village_or_agency_are_refused(
    label, methods, route, roles, cast, clients, world
):
    api = route.startswith("/api/")
    names = set(_names(route))
    tried = 0
    for actor, sides in world.items():
        user = getattr(cast, actor)
        if roles is not None and user.role not in roles:
            continue  # the role gate refuses it already (tested in test_route_access)
        if names - set(NEUTRAL) - set(sides["own"]):
            continue  # this kind of object is not this account's (e.g. residents for producers)
        client = clients[actor]
        if api:
            _secret = create_token(user, "scope test")[1]
            client = type(client)(HTTP_AUTHORIZATION=f"Bearer {_secret}")
        own, other = sides["own"], sides["other"]

        own_status = {m: _call(client, m, route, own, api).status_code for m in methods}
        if set(own_status.values()) == {403}:
            continue  # a role decision taken in the service (e.g. only the custodian verifies)
        assert actor == "district_viewer" or any(
            s not in (403, 404, 405) for s in own_status.values()
        ), (
            f"{actor} is refused its own object at {_fill(route, {**NEUTRAL, **own})}: "
            f"{own_status} — the test's factory or the route's scope is wrong"
        )
        before = AuditEntry.objects.count()
        other_status = {m: _call(client, m, route, other, api).status_code for m in methods}
        assert all(s in (403, 404, 405) for s in other_status.values()), (
            f"{actor} reached another's object at {_fill(route, {**NEUTRAL, **other})}: "
            f"{other_status}"
        )
        assert AuditEntry.objects.count() == before, f"{actor} changed something: {label}"
        tried += 1
    if not tried and not names & CUSTODIAN_ONLY:
        pytest.skip(f"{label}: no scoped account may use this route; the custodian sees all")
