"""`AfterSale` moves from `orders` to `aftersales` with its table and its rows.

The table keeps its name (`orders_aftersale`, `Meta.db_table`), so this migration
changes the state only; `orders/0006_aftersale_moves_to_aftersales` removes the model
from orders' state. The content type row moves to the new app label, so the
permissions (`aftersales.add_aftersale`, …: the same rows, now under the new label),
the audit entries and the notifications that point at after-sales keep pointing at
them.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    _relabel(apps, schema_editor, old="orders", new="aftersales")


def move_content_type_back(apps, schema_editor):
    _relabel(apps, schema_editor, old="aftersales", new="orders")


def _relabel(apps, schema_editor, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=new, model="aftersale").exists():
        types.filter(app_label=old, model="aftersale").update(app_label=new)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("catalog", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orders", "0005_import_digests"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AfterSale',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('refund_only', '仅退款'), ('return_refund', '退货退款'), ('exchange', '换货')], max_length=16, verbose_name='类型')),
                        ('amount', models.DecimalField(decimal_places=2, default=0, max_digits=14, verbose_name='退款金额')),
                        ('reason', models.CharField(max_length=300, verbose_name='原因')),
                        ('exchange_quantity', models.PositiveIntegerField(default=0, verbose_name='换货数量')),
                        ('state', models.CharField(choices=[('requested', '待确认'), ('confirmed', '已确认'), ('rejected', '已驳回')], default='requested', max_length=16, verbose_name='状态')),
                        ('raised_at', models.DateTimeField(verbose_name='发起时间')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='确认时间')),
                        ('decision_note', models.CharField(blank=True, max_length=300, verbose_name='确认说明')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='确认人')),
                        ('exchange_sku', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='catalog.sku', verbose_name='换成')),
                        ('hold', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='after_sales', to='orders.hold', verbose_name='来自扣留')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='after_sales', to='orders.order', verbose_name='订单')),
                        ('raised_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                    ],
                    options={
                        'verbose_name': '售后',
                        'verbose_name_plural': '售后',
                        'db_table': 'orders_aftersale',
                        'ordering': ['-raised_at', '-pk'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='after_sale_amount_not_negative'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'exchange'), _negated=True), models.Q(('exchange_quantity__gt', 0), ('exchange_sku__isnull', False)), _connector='OR'), name='after_sale_exchange_has_sku'), models.CheckConstraint(condition=models.Q(('kind', 'exchange'), ('amount__gt', 0), _connector='OR'), name='after_sale_refund_has_amount')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
