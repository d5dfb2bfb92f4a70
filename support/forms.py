from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forim_portal.form_fields import CommaDecimalField
from forim_portal.uploads import SafeFileField

from .models import SupportKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SupportLogForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)
    kind = forms.ChoiceField(label=_("Type"), choices=SupportKind.choices)
    hours = CommaDecimalField(label=_("Durée (heures)"), max_digits=5, decimal_places=2, min_value=0.25, max_value=100,
                              help_text=_("Par exemple 2,5 pour deux heures et demie."))
    notes = forms.CharField(label=_("Ce qui a été fait"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    next_step = forms.CharField(label=_("Prochaine étape"), max_length=255, required=False)
    next_step_on = forms.DateField(label=_("Prochaine étape prévue le"), widget=DATE, required=False)


class AgreementForm(forms.Form):
    signed_on = forms.DateField(label=_("Signée le"), widget=DATE)
    ends_on = forms.DateField(label=_("Fin de l'accompagnement"), widget=DATE, required=False)
    file = SafeFileField(label=_("Convention signée (PDF, facultatif)"), required=False, extensions=("pdf",))
