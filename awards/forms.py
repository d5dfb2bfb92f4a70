"""Forms for the follow-up pages. Rules live in services; forms only shape the input."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forim_portal.formats import format_amount
from forim_portal.uploads import SafeFileField
from members.models import Organisation, OrganisationKind

from .models import CofinancingRule, ReportSpending

PDF_ONLY = ("pdf",)


class SignedAgreementForm(forms.Form):
    signed_file = SafeFileField(label=_("Convention signée (PDF)"), extensions=PDF_ONLY)


class PaymentForm(forms.Form):
    tranche = forms.IntegerField(widget=forms.HiddenInput)
    paid_on = forms.DateField(label=_("Date du virement"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate)
    amount = forms.CharField(label=_("Montant (€)"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
                             help_text=_("Ex. 1 500,00"))  # read by the service (forim_portal.money): one set of rules and messages
    reference = forms.CharField(label=_("Référence du virement"), max_length=100)


class TopUpOverrideForm(forms.Form):
    top_up = forms.IntegerField(widget=forms.HiddenInput)
    amount = forms.CharField(label=_("Complément retenu (€)"), max_length=40,
                             widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    reason = forms.CharField(label=_("Motif de la correction"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    """Narrative, certificates and one 'actual' field per budget line of the dossier."""

    narrative = forms.CharField(label=_("Rapport narratif"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                                help_text=_("Activités réalisées, résultats obtenus, difficultés, suites prévues."))
    cash_certificate = SafeFileField(label=_("Attestation des apports en numéraire"), required=False)
    in_kind_certificate = SafeFileField(label=_("Attestation des apports en nature (valorisation)"), required=False)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.initial.setdefault("narrative", report.narrative)
        actuals = {s.budget_line_id: s.actual for s in ReportSpending.objects.filter(report=report)}
        self.lines = list(report.application.budget_lines.all())
        for line in self.lines:
            self.fields[f"line_{line.pk}"] = forms.DecimalField(
                label=line.label, required=False, min_value=0, max_digits=12, decimal_places=2,
                initial=actuals.get(line.pk), help_text=_("Prévu : %(amount)s") % {"amount": format_amount(line.amount)},
                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
            )

    def actuals(self):
        return {line.pk: self.cleaned_data[f"line_{line.pk}"] for line in self.lines
                if self.cleaned_data.get(f"line_{line.pk}") is not None}

    def spending_rows(self):
        return [(line, self[f"line_{line.pk}"]) for line in self.lines]


class ReportReviewForm(forms.Form):
    comment = forms.CharField(label=_("Commentaire (obligatoire pour demander des compléments)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class CofinancingRuleForm(forms.ModelForm):
    class Meta:
        model = CofinancingRule
        fields = ["partner", "programme", "name", "diaspora_country", "project_country", "rate", "cap", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Organisation.objects.filter(kind=OrganisationKind.PARTNER)
        bounded = _("Le taux doit être compris entre 0 et 100 %%.")  # validators format their message
        self.fields["rate"].validators = [MinValueValidator(0, message=bounded), MaxValueValidator(100, message=bounded)]
