"""The (village, name key) index of residents also holds the id and the unit.

The lists by hamlet, RW and RT read a village's residents in name order along this index and
keep those of the unit (`unit_id IN (the unit and the units inside it)`). With the unit in
the index entry, rows of other units are passed over inside the index; before, each was a
lookup in the table: a small or empty RT read all ~5,000 rows of its village, 14 ms in a
trial against 1.3 ms (bench/registry_units.py gives the measured figures; docs/decisions.md,
"Lists by hamlet, RW and RT"). No index is added, so the import rebuilds as many as before.
The id comes before the unit so that the entries stay in (name key, id) order, the page's
order, on both databases (SQLite's entries end with the rowid, after the unit).
Django's model keeps the plain definition, as in 0016; the import's index rebuild reads
the definitions from the database (`bulkindex`), so it keeps this one.
"""

from django.db import migrations

NAME, TABLE = "resident_village_key_idx", "registry_resident"


def _recreate(schema_editor, columns: str) -> None:
    schema_editor.execute(f"DROP INDEX {NAME}")
    schema_editor.execute(f"CREATE INDEX {NAME} ON {TABLE} ({columns})")


def with_unit(apps, schema_editor):
    _recreate(schema_editor, "village_id, name_key, id, unit_id")


def without_unit(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    _recreate(schema_editor, "village_id, name_key, id" if postgresql else "village_id, name_key")


class Migration(migrations.Migration):
    dependencies = [("registry", "0019_conflict_actor_blank")]
    operations = [migrations.RunPython(with_unit, without_unit)]
