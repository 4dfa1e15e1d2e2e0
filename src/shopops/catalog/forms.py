from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.translation import gettext_lazy as _

# A product file is a few thousand rows; anything far larger is a wrong file.
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class ProductImportForm(forms.Form):
    file = forms.FileField(
        label=_("商品文件"),
        help_text=_("CSV 或 XLSX，第一行是列名"),
        validators=[FileExtensionValidator(["csv", "txt", "xlsx"])],
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("文件太大（上限 %(mb)d MB）"),
                params={"mb": MAX_IMPORT_BYTES // (1024 * 1024)},
            )
        return upload


class ListingStateForm(forms.Form):
    """Set a listing's state (the service checks the state and the note)."""

    state = forms.CharField(required=False, strip=False)
    note = forms.CharField(required=False, strip=False)
