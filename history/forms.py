from django import forms
from django.utils.translation import gettext_lazy as _

from forim_portal.uploads import SPREADSHEET_EXTENSIONS, SafeFileField


class HistoryImportForm(forms.Form):
    file = SafeFileField(label=_("Projets passés (CSV ou XLSX)"), extensions=SPREADSHEET_EXTENSIONS)
