from django.db import migrations

from shopops.orders.hold_defaults import DEFAULTS
def create_defaults(apps, schema_editor):
    setting = apps.get_model("orders", "HoldReasonSetting")
    for reason, flag, template in DEFAULTS:
        setting.objects.get_or_create(
            reason=reason, defaults={"flag": flag, "message_template": template}
        )


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_holds_after_sales_imports")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
