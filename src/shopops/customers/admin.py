from django.contrib import admin

from shopops.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["member_name", "name", "phone", "shop", "province", "birthday"]
    list_filter = ["shop", "province"]
    search_fields = ["member_name", "name", "phone", "phone_key"]
