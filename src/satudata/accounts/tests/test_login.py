import re

import pytest
from django.test import Client

from satudata.accounts.models import ApiToken
from satudata.conftest import PASSWORD


def login(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["custodian", "producer_a", "operator_a", "district_viewer"])
def test_each_role_logs_in_and_sees_its_role_on_the_profile(cast, who):
    user = cast.members()[who]
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 302
    profile = client.get("/accounts/profile/").content.decode()
    assert user.get_role_display() in profile or str(user.get_role_display()) in profile


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "start"),
    [
        ("operator_a", "/registry/"),
        ("district_viewer", "/registry/"),
        ("producer_a", "/workspace/datasets/"),
        ("custodian", "/quality/"),
    ],
)
def test_each_role_lands_where_its_work_starts(cast, who, start):
    client = Client()
    assert login(client, cast.members()[who].username, PASSWORD)["Location"] == start
    assert client.get(start).status_code == 200
    # A page asked for before logging in still wins.
    again = Client().post(
        "/accounts/login/?next=/feedback/inbox/",
        {"username": cast.members()[who].username, "password": PASSWORD},
    )
    assert again["Location"] == "/feedback/inbox/"


@pytest.mark.django_db
def test_wrong_password_and_unknown_user_get_the_same_answer(cast):
    known = login(Client(), cast.custodian.username, "salah-sandi").content.decode()
    unknown = login(Client(), "tidak.ada", "salah-sandi").content.decode()
    assert "Nama pengguna atau kata sandi salah" in known

    def strip(page: str) -> str:
        page = page.replace("tidak.ada", "").replace(cast.custodian.username, "")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)

    assert strip(known) == strip(unknown)


@pytest.mark.django_db
def test_lockout_after_repeated_failures_even_with_the_right_password(cast, settings):
    settings.LOGIN_MAX_FAILURES = 3
    client = Client()
    for _ in range(3):
        login(client, cast.operator_a.username, "salah")
    response = login(client, cast.operator_a.username, PASSWORD)
    assert response.status_code == 200
    assert "Terlalu banyak" in response.content.decode()


@pytest.mark.django_db
def test_lockout_looks_the_same_for_usernames_that_do_not_exist(settings):
    settings.LOGIN_MAX_FAILURES = 2
    client = Client()
    for _ in range(2):
        login(client, "tidak.ada", "salah")
    assert "Terlalu banyak" in login(client, "tidak.ada", "salah").content.decode()


@pytest.mark.django_db
def test_successful_login_clears_earlier_failures(cast, settings):
    settings.LOGIN_MAX_FAILURES = 3
    client = Client()
    login(client, cast.operator_a.username, "salah")
    login(client, cast.operator_a.username, "salah")
    assert login(client, cast.operator_a.username, PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    login(client, cast.operator_a.username, "salah")
    assert login(client, cast.operator_a.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_logout_is_post_only_and_ends_the_session(clients):
    browser = clients["operator_a"]
    assert browser.get("/accounts/logout/").status_code == 405
    browser.post("/accounts/logout/")
    assert browser.get("/accounts/profile/").status_code == 302


@pytest.mark.django_db
def test_password_change_needs_the_old_password(cast):
    client = Client()
    client.force_login(cast.operator_a)
    bad = client.post(
        "/accounts/password/",
        {
            "old_password": "salah",
            "new_password1": "Baru-Sandi-99",
            "new_password2": "Baru-Sandi-99",
        },
    )
    assert bad.status_code == 200
    good = client.post(
        "/accounts/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "Baru-Sandi-99",
            "new_password2": "Baru-Sandi-99",
        },
    )
    assert good.status_code == 302
    cast.operator_a.refresh_from_db()
    assert cast.operator_a.check_password("Baru-Sandi-99")


@pytest.mark.django_db
def test_profile_needs_login(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_token_is_shown_once_stored_hashed_and_acts_with_the_account_scope(clients, cast):
    browser = clients["operator_a"]
    browser.post("/accounts/tokens/", {"name": "aplikasi desa"})
    page = browser.get("/accounts/profile/").content.decode()
    raw = page.split('class="token">')[1].split("<")[0].strip()
    assert raw.startswith("sd_")
    assert raw not in browser.get("/accounts/profile/").content.decode()  # shown once
    token = ApiToken.objects.get(user=cast.operator_a)
    assert raw not in token.digest and token.digest != raw

    api = Client()
    me = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert me.json()["username"] == cast.operator_a.username
    assert me.json()["region"] == cast.operator_a.region_id
    # The token writes only where its account may, with no CSRF token needed.
    from satudata.conftest import VILLAGE_A, VILLAGE_B

    own = api.post(
        f"/api/v1/regions/{VILLAGE_A}/units",
        {"level": "hamlet", "name": "Dusun T"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert own.status_code == 201
    other = api.post(
        f"/api/v1/regions/{VILLAGE_B}/units",
        {"level": "hamlet", "name": "Dusun T"},
        content_type="application/json",
        HTTP_X_CKAN_API_KEY=raw,
    )
    assert other.status_code == 403


@pytest.mark.django_db
def test_revoked_and_made_up_tokens_are_refused(clients, cast):
    from satudata.accounts.services import create_token

    token, raw = create_token(cast.operator_a, "lama")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=raw).status_code == 200
    clients["operator_a"].post(f"/accounts/tokens/{token.pk}/revoke/")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer sd_made_up").status_code == 401


@pytest.mark.django_db
def test_users_cannot_revoke_each_others_tokens(clients, cast):
    from satudata.accounts.services import create_token

    token, raw = create_token(cast.operator_a, "milik a")
    clients["operator_b"].post(f"/accounts/tokens/{token.pk}/revoke/")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


@pytest.mark.django_db
def test_me_needs_an_account(client):
    assert client.get("/api/v1/me").status_code == 401
