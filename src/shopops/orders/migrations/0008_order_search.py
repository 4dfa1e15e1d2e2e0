"""The order search index: FTS5 (trigram) on SQLite, pg_trgm's GIN on PostgreSQL.

The SQL lives in shopops.orders.search_index, beside the search that reads it.
"""

from django.db import migrations


def create(apps, schema_editor):
    from shopops.orders import search_index

    search_index.create(schema_editor.connection)


def drop(apps, schema_editor):
    from shopops.orders import search_index

    search_index.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0007_rollups"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
