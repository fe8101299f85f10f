"""One open NIK conflict per NIK and village that tried: the duplicates two requests at once
could add are closed (the earliest stays open), before 0013 makes the pair unique (a
migration of its own: PostgreSQL creates no index in a transaction that updated rows with
deferred foreign-key checks pending). The move ins the API refused under source "api" get
the source the custodian's list names, "form"."""

from django.db import migrations
from django.db.models import Count, Min


def close_duplicates(apps, schema_editor):
    """Close every open conflict but the earliest of its NIK and village (nothing is lost: the
    closed ones stay in the list of all conflicts)."""
    NikConflict = apps.get_model("registry", "NikConflict")
    # The API's move in wrote "api", which the custodian's list shows as no source at all.
    NikConflict.objects.filter(source="api").update(source="form")
    open_ = NikConflict.objects.filter(resolved=False)
    doubled = (
        open_.values("nik", "village_id")
        .annotate(first=Min("pk"), copies=Count("pk"))
        .filter(copies__gt=1)
    )
    for pair in doubled.iterator():
        open_.filter(nik=pair["nik"], village_id=pair["village_id"]).exclude(
            pk=pair["first"]
        ).update(resolved=True)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0011_statistics_version"),
    ]

    operations = [
        # Not undone: which copies were duplicates is not worth keeping.
        migrations.RunPython(close_duplicates, migrations.RunPython.noop),
    ]
