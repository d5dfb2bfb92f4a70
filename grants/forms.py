"""Forms of the application steps (every field optional: drafts are saved incomplete), of calls and of the thread."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from forim_portal.errors import DomainError
from forim_portal.form_fields import AmountField, MinuteDateTimeField, keep_untouched
from forim_portal.forms import DomainCheckedForm
from forim_portal.money import parse_split_text, split_for_storage
from forim_portal.uploads import SafeFileField
from members.choices import Sector
from members.countries import country_choices
from members.models import DocumentType, Organisation, OrganisationKind, OrganisationStatus

from .models import Application, BudgetCategory, Call, Criterion, Programme, VisaDecision
from .services import check_call, check_correction_due_on, default_correction_due_on
from .steps import EDITABLE_STEPS, FUNDING_FIELDS, PROJECT_FIELDS, STEP_LABELS

MAX_AMOUNT = Decimal("9999999.99")


def money_field(label, **extra):
    """An amount of the dossier, read by forim_portal.money.parse_amount (the one reading of money input)."""
    return AmountField(label=label, required=False, max_amount=MAX_AMOUNT, **extra)


class DraftForm(forms.ModelForm):
    """Nothing is required while drafting: the rules are checked apart, at the field and at submission."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False

    def valid_values(self):
        """The fields that passed validation, to be saved even when others did not."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class ProjectForm(DraftForm):
    class Meta:
        model = Application
        fields = PROJECT_FIELDS
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in [
                "beneficiaries", "context", "sector_policy", "objectives", "activities", "expected_results", "sustainability",
            ]},
        }
        help_texts = {
            "context": _("Les besoins exprimés par les populations, la situation sur place."),
            "local_partner": _("L'association, la commune ou la coopérative qui porte le projet avec vous sur place."),
        }

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        codes = (call.sectors if call and call.sectors else Sector.values)
        self.fields["sector"] = forms.ChoiceField(
            label=_("Secteur"), required=False, choices=[("", "—")] + [(c, Sector(c).label) for c in codes if c in Sector.values],
        )
        self.fields["country"].choices = [("", "—"), *country_choices()]
        self.fields["duration_months"].widget.attrs.update({"inputmode": "numeric", "min": 1})
        self.fields["duration_months"].error_messages["invalid"] = _("Saisissez un nombre de mois, par exemple 12.")
        self.fields["beneficiaries_count"].error_messages["invalid"] = _("Saisissez un nombre, par exemple 1200.")
        if call and call.max_duration_months:
            self.fields["duration_months"].help_text = _("%(n)s mois au maximum pour cet appel.") % {"n": call.max_duration_months}


class FundingForm(DraftForm):
    amount_requested = money_field(_("Montant demandé au FORIM (€)"))
    own_funds = money_field(_("Fonds propres (€)"))
    in_kind = money_field(_("Contributions en nature valorisées (€)"), help_text=_("Travail bénévole, matériaux, main-d'œuvre des bénéficiaires."))
    local_partner_funds = money_field(_("Apports des partenaires locaux (€)"))
    other_funders = money_field(_("Autres financeurs (€)"))

    class Meta:
        model = Application
        fields = FUNDING_FIELDS

    def valid_values(self):
        values = super().valid_values()
        return {name: (Decimal("0.00") if value is None and name != "other_funders_detail" else value) for name, value in values.items()}


class BudgetLineForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Catégorie"), choices=BudgetCategory.choices, required=False)
    label = forms.CharField(label=_("Libellé"), max_length=255, required=False)
    quantity = forms.DecimalField(
        label=_("Quantité"), required=False, min_value=Decimal("0"), max_value=Decimal("99999999"), decimal_places=2, localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
        error_messages={"invalid": _("Saisissez une quantité en chiffres."), "min_value": _("La quantité ne peut pas être négative.")},
    )
    unit_cost = money_field(_("Coût unitaire (€)"))
    DELETE = forms.BooleanField(label=_("Supprimer"), required=False)


BudgetLineFormSet = formset_factory(BudgetLineForm, extra=0)


def budget_rows(formset):
    """Rows as dicts for services.save_step; an invalid number keeps the line's previous value."""
    rows = []
    for index, form in enumerate(formset.forms):
        form.is_valid()
        data = {name: value for name, value in getattr(form, "cleaned_data", {}).items() if name not in form.errors}
        if form.errors and not data.get("id"):
            continue  # a new row with a bad number waits until it is corrected
        rows.append({"index": index, "id": data.get("id"), "category": data.get("category"), "label": data.get("label"),
                     "quantity": data.get("quantity"), "unit_cost": data.get("unit_cost"), "delete": data.get("DELETE")})
    return rows


class OperatorForm(DraftForm):
    class Meta:
        model = Application
        fields = ["operator"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["operator"].queryset = Organisation.objects.filter(kind=OrganisationKind.OPERATOR, status=OrganisationStatus.VALIDATED)
        self.fields["operator"].help_text = _("L'opérateur d'appui (OPAP) avec lequel votre association a signé une convention d'accompagnement.")


class ReviewForm(DraftForm):
    class Meta:
        model = Application
        fields = ["publish_consent"]


STEP_FORMS = {"project": ProjectForm, "budget": FundingForm, "operator": OperatorForm, "review": ReviewForm}


class DocumentForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Type de pièce"), choices=DocumentType.choices)
    file = SafeFileField(label=_("Fichier"), required=False)
    vault_document = forms.TypedChoiceField(label=_("Ou un document de votre coffre-fort"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, vault=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.vault = {doc.pk: doc for doc in vault}
        self.fields["vault_document"].choices = [("", "—")] + [
            (doc.pk, f"{doc.get_doc_type_display()} — {doc.original_name or doc}") for doc in vault
        ]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("file") and not cleaned.get("vault_document") and not self.errors:
            raise ValidationError(_("Choisissez un fichier à envoyer ou un document de votre coffre-fort."))
        if cleaned.get("vault_document"):
            cleaned["vault_document"] = self.vault[cleaned["vault_document"]]
        return cleaned


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Votre message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 3}))


class VisaForm(forms.Form):
    decision = forms.ChoiceField(label=_("Votre avis"), choices=VisaDecision.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Commentaire pour l'association"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    comment = forms.CharField(label=_("Pourquoi retirez-vous ce dossier ? (facultatif)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PublishConsentForm(forms.Form):
    """After the award: only the laureates-page consent (grants.services.set_publish_consent)."""

    publish_consent = forms.BooleanField(
        label=_("J'accepte que notre projet soit présenté parmi les lauréats, sur la page publique du FORIM"),
        required=False,
    )


class CorrectionDueField(forms.DateField):
    """The date by which the association sends its corrections back: today or later, 15 days by default."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("À renvoyer avant le"), required=False, initial=default_correction_due_on,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=_("Laissé vide : dans 15 jours. L'association voit cette date sur son dossier."), **kwargs,
        )

    def validate(self, value):
        super().validate(value)
        try:
            check_correction_due_on(value)
        except DomainError as error:
            raise ValidationError(error.message, code=error.code) from error


class CorrectionForm(forms.Form):
    sections = forms.MultipleChoiceField(
        label=_("Étapes à corriger"), widget=forms.CheckboxSelectMultiple,
        choices=[(code, STEP_LABELS[code]) for code in EDITABLE_STEPS],
    )
    message = forms.CharField(label=_("Ce qu'il faut changer"), widget=forms.Textarea(attrs={"rows": 3}))
    due_on = CorrectionDueField()


class TrancheField(forms.CharField):
    """'70, 30' (or '33,33 ; 33,33 ; 33,34') → [70, 30], read by forim_portal.money.parse_split_text."""

    def prepare_value(self, value):
        if isinstance(value, list):
            separator = " ; " if any(not float(v).is_integer() for v in value) else ", "
            return separator.join(str(v).replace(".", ",") for v in value)
        return value

    def clean(self, value):
        value = super().clean(value)
        try:
            return split_for_storage(parse_split_text(value))
        except DomainError as error:
            raise ValidationError(error.message, code=error.code) from None


class CallForm(DomainCheckedForm):
    sectors = forms.MultipleChoiceField(label=_("Secteurs éligibles"), choices=Sector.choices, widget=forms.CheckboxSelectMultiple, required=False)
    required_documents = forms.MultipleChoiceField(
        label=_("Pièces obligatoires"), choices=[c for c in DocumentType.choices if c[0] != "other"],
        widget=forms.CheckboxSelectMultiple, required=False,
    )
    tranche_split = TrancheField(label=_("Répartition des versements (%)"), required=False, help_text=_("Ex. 70, 30"))

    class Meta:
        model = Call
        fields = [
            "programme", "year", "title", "description", "opens_at", "deadline", "envelope",
            "max_grant", "max_grant_share", "min_total_budget", "max_total_budget", "min_association_age_months",
            "max_duration_months", "eligible_countries", "excluded_countries", "sectors", "required_documents",
            "operator_visa_required", "tranche_split", "reviewers_per_application", "anonymous_review",
        ]
        field_classes = {"opens_at": MinuteDateTimeField, "deadline": MinuteDateTimeField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"opens_at": _("Heure de Paris."), "deadline": _("Heure de Paris. Au-delà, le serveur refuse tout dépôt.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("eligible_countries", "excluded_countries"):
            self.fields[name].choices = country_choices()
            self.fields[name].widget.attrs["size"] = 8

    domain_check = staticmethod(check_call)

    def clean(self):
        super().clean()
        return keep_untouched(self)


CriterionFormSet = inlineformset_factory(
    Call, Criterion, fields=["label", "guidance", "weight", "scale_max", "position"], extra=2, can_delete=True,
    widgets={"guidance": forms.TextInput()},
)


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["code", "name", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
