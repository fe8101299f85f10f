"""The public population chart of a region, and the custodian's button that publishes a release."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satudata.core import once
from satudata.core.access import custodian, public
from satudata.core.models import SentForm
from satudata.regions.codes import BadRegionCode, normalize_code
from satudata.regions.models import Region
from satudata.regions.services import deployment_regencies
from satudata.registry import releases
from satudata.registry.charts import bar_rows, pyramid_svg
from satudata.registry.statistics import population_summary


@custodian
@require_http_methods(["GET", "POST"])
def publish_statistics(request):
    """The custodian publishes a release of the public statistics now (e.g. after an import)."""
    if request.method == "GET":
        # An address, not a form (e.g. `?next=` after signing in again): nothing is
        # published by following a link, so lead to the page whose button does it.
        if releases.mode() not in releases.PERIODS:
            messages.info(request, _("Public statistics are live: there is nothing to publish."))
        else:
            messages.info(
                request,
                _("Nothing was published by opening this address: use the button on this page."),
            )
        return redirect(_statistics_page(request.GET.get("region", "")))
    sent = once.claim(request)
    if isinstance(sent, SentForm):  # a double click: the first click's release
        return once.repeat(request, sent)
    if releases.mode() not in releases.PERIODS:
        messages.info(request, _("Public statistics are live: there is nothing to publish."))
    else:
        release = releases.publish(request.user)
        if getattr(release, "not_published", False):
            report = messages.warning  # nothing new: the custodian should try again
        else:
            report = messages.success if release.published_now else messages.info
        report(request, releases.outcome(release))
    return sent.finish(redirect(_statistics_page(request.POST.get("region", ""))))


def _statistics_page(code: str) -> str:
    """Back to the statistics page the button was on (its form sends the region); for a
    code that names no region, those of the first regency this database serves."""
    try:
        region = Region.objects.filter(code=normalize_code(code)).first()
    except BadRegionCode:
        region = None
    region = region or deployment_regencies().order_by("code").first()
    return reverse("registry:population", args=[region.code]) if region else "/"


@public
def population(request, code: str):
    try:
        region = Region.objects.get(code=normalize_code(code))
    except (BadRegionCode, Region.DoesNotExist) as exc:
        raise Http404(_("No region has this code.")) from exc
    summary = population_summary(region.code)
    as_of = datetime.date.fromisoformat(summary["as_of"])
    next_release = releases.next_release(as_of)
    return render(
        request,
        "registry/population.html",
        {
            "region": region,
            "summary": summary,
            "as_of": as_of,
            "next_release": next_release,
            # Its day has come (the period's first visits, while it is being made): the
            # page says so rather than promise it "by" a day that is today or past.
            "release_due": next_release is not None and next_release <= timezone.localdate(),
            "once": once.new_token(),  # the custodian's publish button
            "pyramid": pyramid_svg(summary["age_groups"]),
            "bars": [
                (_("Sex"), bar_rows(summary["sex"])),
                (_("Religion"), bar_rows(summary["religion"])),
                (_("Education"), bar_rows(summary["education"])),
                (_("Occupation"), bar_rows(summary["occupation"], top=15)),
                (_("Marital status"), bar_rows(summary["marital_status"])),
            ],
        },
    )
