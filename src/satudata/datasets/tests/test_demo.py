from satudata.core.demo import seed_demo
from satudata.datasets.models import Dataset


def test_demo_datasets_are_published_marked_and_not_duplicated(db, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    seed_demo()
    assert Dataset.objects.public().filter(is_demo=True).count() == 12
    seed_demo()
    assert Dataset.all_objects.count() == 12


def test_demo_rows_cover_the_places_they_claim_and_hold_together(db, tmp_path, settings, client):
    settings.DATA_DIR = tmp_path
    seed_demo()
    for village in ("62.01.02.2016", "61.12.01.2001"):
        page = client.get(
            "/data/penduduk-desa/", {"column": "kode_wilayah", "value": village}
        ).content.decode()
        assert f"<td>{village}</td>" in page  # a row for a village with residents
    from django.db import connection

    from satudata.datasets.datastore import quote
    from satudata.datasets.models import Release

    for release in Release.objects.filter(dataset__slug="imunisasi-dasar"):
        with connection.cursor() as cursor:
            table = quote(release.table_name)
            cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE diimunisasi > sasaran")  # noqa: S608
            assert cursor.fetchone()[0] == 0
