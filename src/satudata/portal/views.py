from __future__ import annotations

from django.shortcuts import render

from satudata.accounts.models import Agency
from satudata.core.access import public
from satudata.regions.models import Region
from satudata.regions.services import deployment_regencies


@public
def home(request):
    regencies = list(deployment_regencies())
    codes = [r.code for r in regencies]
    villages = Region.objects.filter(level=Region.Level.VILLAGE)
    village_count = sum(villages.filter(code__startswith=c + ".").count() for c in codes)
    context = {
        "regencies": regencies,
        "village_count": village_count,
        "agency_count": Agency.objects.filter(is_active=True).count(),
        "region_count": Region.objects.count(),
    }
    return render(request, "portal/home.html", context)
