import re

import pytest

from satudata.regions.loader import load_regions
from satudata.regions.models import Region, RegionWord


@pytest.mark.slow
@pytest.mark.django_db
def test_whole_country_loads_with_the_decree_counts_and_reloads_without_duplicates():
    load_regions()
    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    assert villages.count() == 83_762
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 38
    kubu_raya = Region.objects.get(code="61.12")
    assert kubu_raya.name == "Kabupaten Kubu Raya"
    assert kubu_raya.children.count() == 9
    assert villages.filter(code__startswith="61.12.").count() == 123

    again = load_regions()
    assert again.created == 0 and again.updated == 0
    assert Region.objects.filter(level=Region.Level.VILLAGE).count() == 83_762


@pytest.mark.django_db
def test_loaded_regions_have_kinds_parents_and_postal_codes():
    raja = Region.objects.get(code="62.01.02.1007")
    assert raja.name == "Raja"
    assert raja.kind == Region.Kind.KELURAHAN
    natai_raya = Region.objects.get(code="62.01.02.2016")
    assert natai_raya.kind == Region.Kind.DESA
    assert natai_raya.parent_id == "62.01.02"
    assert len(natai_raya.postal_code) == 5
    assert [a.code for a in natai_raya.ancestors()] == ["62", "62.01", "62.01.02"]
    assert RegionWord.objects.filter(region=natai_raya, word="natai").exists()


@pytest.mark.django_db
def test_loadregions_command_loads_a_province_and_reports_counts():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("loadregions", "63", stdout=out)
    # Numbers as Indonesian writes them: "Kepmendagri …: 5.203 ditambah, … dalam 0,2 detik".
    assert re.search(r"\d\.\d{3} ditambah, .* dalam \d+,\d detik", out.getvalue())
    assert Region.objects.filter(code__startswith="63.", level=Region.Level.VILLAGE).count() > 1000
    again = StringIO()
    call_command("loadregions", "63", stdout=again)
    assert " 0 ditambah, 0 diperbarui" in again.getvalue()
