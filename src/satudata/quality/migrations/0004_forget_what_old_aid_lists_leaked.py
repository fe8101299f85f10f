"""Aid lists verified before the name decided first keep only what the rule now allows.

Before, a registered NIK's death or move (with its date) and the other programs listing it
were reported whatever name the agency sent. Rows whose name does not match the registry
become "name does not match" with nothing more, rows of unregistered, invalid or repeated
NIKs lose the other programs, and each touched list's counts are taken again.
"""

from django.db import migrations
from django.utils import translation
from django.utils.translation import gettext

# verify.MATCHED: only these rows may name the other programs.
MATCHED = {"eligible", "dead", "moved", "kk_mismatch"}
RESULTS = [
    "eligible", "not_found", "invalid", "dead", "moved", "name_mismatch", "duplicate",
    "kk_mismatch",
]  # fmt: skip
NAME_THRESHOLD = 0.8  # verify.NAME_THRESHOLD


def forget(apps, schema_editor):
    from satudata.quality.names import normalise, similar  # plain functions of two names

    beneficiary = apps.get_model("quality", "Beneficiary")
    resident = apps.get_model("registry", "Resident")
    beneficiary_list = apps.get_model("quality", "BeneficiaryList")
    with translation.override("id"):
        mismatch_text = gettext("The name differs from the name registered under this NIK.")
    touched = set()
    for row in beneficiary.objects.filter(result__in=["dead", "moved"]).iterator():
        registered = (
            resident.objects.filter(pk=row.resident_id).values_list("name", flat=True).first()
        )
        if registered is None or row.name == registered:
            continue
        if normalise(row.name) == normalise(registered):
            continue
        if not similar(row.name, registered, NAME_THRESHOLD):
            row.result, row.detail, row.other_programs = "name_mismatch", mismatch_text, ""
            row.save(update_fields=["result", "detail", "other_programs"])
            touched.add(row.beneficiary_list_id)
    leaking = beneficiary.objects.exclude(result__in=MATCHED).exclude(other_programs="")
    touched |= set(leaking.values_list("beneficiary_list_id", flat=True))
    leaking.update(other_programs="")
    for blist in beneficiary_list.objects.filter(pk__in=touched):
        rows = beneficiary.objects.filter(beneficiary_list=blist)
        summary = {key: rows.filter(result=key).count() for key in RESULTS}
        summary["other_program"] = rows.exclude(other_programs="").count()
        summary["total"] = rows.count()
        blist.summary = summary
        blist.save(update_fields=["summary"])


class Migration(migrations.Migration):
    dependencies = [
        ("quality", "0003_beneficiary_kk_mismatch"),
        ("registry", "0007_life_event_family_join"),
    ]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
