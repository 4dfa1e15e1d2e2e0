"""`AfterSale` now belongs to `aftersales` (its `0001_initial` takes the model into its
state, keeping the table `orders_aftersale` and its rows): orders forgets it, and the
database is not touched."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("orders", "0005_import_digests"),
        ("aftersales", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AfterSale")],
            database_operations=[],
        ),
    ]
