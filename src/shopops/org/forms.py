from django import forms

from shopops.org.models import Shop


class ShopForm(forms.ModelForm):
    class Meta:
        model = Shop
        fields = ["code", "name", "platform", "marketplace_shop_id"]
