"""PostgreSQL: the name indexes end with the id, the search's tie-break.

Name search pages are ordered by (name_key, id) and cut at 50 rows. SQLite's index entries
end with the rowid (the id), so an index on name_key already hands rows out in that order
and the page stops after 50. PostgreSQL orders equal keys by their place in the heap, so it
read every resident of a common name ("sari": ~1,100 of 600,000) and sorted them: 10–50 ms
a page, over 200 ms under load. With the id in the index the page reads 50 entries.
Django does not know the extra column (its model keeps the SQLite definition); the import's
index rebuild reads the definitions from the database (`bulkindex`), so it keeps them.
"""

from django.db import migrations

INDEXES = [
    ("resident_name_key_idx", "registry_resident", "name_key"),
    ("resident_village_key_idx", "registry_resident", "village_id, name_key"),
]


def _recreate(schema_editor, tail: str) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, columns in INDEXES:
        schema_editor.execute(f"DROP INDEX {name}")
        schema_editor.execute(f"CREATE INDEX {name} ON {table} ({columns}{tail})")


def with_id(apps, schema_editor):
    _recreate(schema_editor, ", id")


def without_id(apps, schema_editor):
    _recreate(schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [("registry", "0015_statistics_release")]
    operations = [migrations.RunPython(with_id, without_id)]
