"""One open NIK conflict per NIK and village that tried (0012 closed the duplicates)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0012_close_duplicate_nik_conflicts"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="nikconflict",
            constraint=models.UniqueConstraint(
                condition=models.Q(("resolved", False)),
                fields=("nik", "village"),
                name="nik_conflict_open_unique",
            ),
        ),
    ]
