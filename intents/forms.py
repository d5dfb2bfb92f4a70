"""Forms of statements of intent: they translate input; intents.services holds the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from forim_portal.form_fields import AmountField
from forim_portal.formats import format_number
from grants.eligibility import euros
from grants.forms import MAX_AMOUNT
from members.choices import Sector
from members.countries import country_choices

from .services import TEXT_FIELDS


class StatementForm(forms.Form):
    title = forms.CharField(label=_("Intitulé du projet"), max_length=TEXT_FIELDS["title"], required=False)
    country = forms.ChoiceField(label=_("Pays du projet"), required=False)
    sector = forms.ChoiceField(label=_("Secteur"), choices=[("", "—"), *Sector.choices], required=False)
    summary = forms.CharField(
        label=_("Résumé du projet"),
        max_length=TEXT_FIELDS["summary"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Le besoin, les bénéficiaires, ce que le projet fera ; quelques lignes suffisent."),
    )
    estimated_total = AmountField(label=_("Budget total estimé (€)"), max_amount=MAX_AMOUNT, required=False)
    estimated_grant = AmountField(label=_("Subvention demandée estimée (€)"), max_amount=MAX_AMOUNT, required=False)

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *country_choices()]
        if call is not None:
            self.fields["estimated_total"].help_text = _("Entre %(min)s et %(max)s.") % {
                "min": euros(call.min_total_budget),
                "max": euros(call.max_total_budget),
            }
            self.fields["estimated_grant"].help_text = _("Au plus %(max)s et %(share)s %% du budget total.") % {
                "max": euros(call.max_grant),
                "share": format_number(call.max_grant_share),
            }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Décision"),
        choices=[("preselect", _("Présélectionner")), ("decline", _("Ne pas présélectionner"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif (envoyé à l'association ; obligatoire pour ne pas présélectionner)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    comment = forms.CharField(
        label=_("Pourquoi retirez-vous cette manifestation d'intérêt ? (facultatif)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
