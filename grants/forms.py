"""Forms of the application steps (every field optional: drafts are saved incomplete), of calls and of the thread."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from forim_portal.errors import DomainError
from forim_portal.form_fields import AmountField, MinuteDateTimeField, keep_untouched
from forim_portal.forms import DomainCheckedForm
from forim_portal.money import FIXED_PARITIES, parse_rate, parse_split_text, split_for_storage
from forim_portal.uploads import SafeFileField
from forim_portal.widgets import CountryPicker
from members.choices import Sector
from members.countries import country_choices
from members.models import DocumentType, Organisation, OrganisationKind, OrganisationStatus

from .countries import call_countries
from .currencies import EURO, ISO_CODES, check_rate, currency_choices, format_units, offered_currencies
from .eligibility import LIFTABLE_RULES
from .models import Application, BudgetCategory, Call, CallCurrencyRate, Criterion, Programme, VisaDecision
from .services import check_call, check_correction_due_on, default_correction_due_on
from .steps import EDITABLE_STEPS, PROJECT_FIELDS, STEP_LABELS, TYPED_FUNDING_FIELDS

MAX_AMOUNT = Decimal("9999999.99")
RATED_CODES = [code for code in ISO_CODES if code != EURO and code not in FIXED_PARITIES]  # the rates a call sets


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


class OfferedCountryField(forms.ChoiceField):
    """The project's country: offers the call's eligible countries (and the value already saved), accepts any country.

    A country off the list is kept as typed: the call's rule (grants.eligibility.country_check_for) says at the field why
    the dossier cannot be filed with it, so nothing the association wrote is lost.
    """

    def __init__(self, *, call=None, kept=()):
        every = country_choices()
        offered = every
        if call is not None:
            eligible = call_countries(call).codes
            offered = [(code, name) for code, name in every if code in eligible or code in kept]
        super().__init__(label=_("Pays du projet"), required=False, choices=[("", "—"), *offered])
        self.accepted = {code for code, _name in every}
        if call is not None:
            self.help_text = _("Seuls les pays éligibles à cet appel sont proposés.")

    def valid_value(self, value):
        return value in self.accepted or super().valid_value(value)


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
        kept = {self.instance.country.code if self.instance.country else "", self.data.get(self.add_prefix("country"), "")}
        self.fields["country"] = OfferedCountryField(call=call, kept=kept)
        self.fields["duration_months"].widget.attrs.update({"inputmode": "numeric", "min": 1})
        self.fields["duration_months"].error_messages["invalid"] = _("Saisissez un nombre de mois, par exemple 12.")
        self.fields["beneficiaries_count"].error_messages["invalid"] = _("Saisissez un nombre, par exemple 1200.")
        if call and call.max_duration_months:
            self.fields["duration_months"].help_text = _("%(n)s mois au maximum pour cet appel.") % {"n": call.max_duration_months}


class FundingForm(DraftForm):
    # a plain text value under a list: grants.currencies.rate_for refuses an unknown currency or a missing rate in French
    budget_currency = forms.CharField(
        label=_("Devise du budget"), required=False, max_length=3,
        help_text=_("La devise dans laquelle vous saisissez les dépenses (celle des devis signés sur place). "
                    "Chaque montant est converti en euros au taux de l'appel, arrondi au centime ; "
                    "le plan de financement et les règles de l'appel restent en euros."),
    )
    amount_requested = money_field(_("Montant demandé au FORIM (€)"))
    own_funds = money_field(_("Fonds propres (€)"))
    local_partner_funds = money_field(_("Apports des partenaires locaux (€)"))
    other_funders = money_field(_("Autres financeurs (€)"))

    class Meta:
        model = Application
        fields = TYPED_FUNDING_FIELDS  # in_kind is computed from the budget's lines « en nature » (shown, not typed)

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_currency"].widget = forms.Select(choices=offered_currencies(call))

    def valid_values(self):
        values = super().valid_values()
        if not values.get("budget_currency"):
            values.pop("budget_currency", None)
        return {name: (Decimal("0.00") if value is None and name in MONEY_FIELDS else value) for name, value in values.items()}


MONEY_FIELDS = {"amount_requested", "own_funds", "local_partner_funds", "other_funders"}


class BudgetLineForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Catégorie"), choices=BudgetCategory.choices, required=False)
    label = forms.CharField(label=_("Libellé"), max_length=255, required=False)
    quantity = forms.DecimalField(
        label=_("Quantité"), required=False, initial=1, min_value=Decimal("0"), max_value=Decimal("99999999"), decimal_places=2, localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
        error_messages={"invalid": _("Saisissez une quantité en chiffres."), "min_value": _("La quantité ne peut pas être négative.")},
    )
    # in the budget's currency (euros by default); the service converts it (grants.currencies)
    unit_cost = AmountField(label=_("Coût unitaire"), required=False)
    DELETE = forms.BooleanField(label=_("Supprimer"), required=False)

    def __init__(self, *args, currency=EURO, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_cost"].label = _("Coût unitaire (%(currency)s)") % {"currency": "€" if currency == EURO else currency}


BudgetLineFormSet = formset_factory(BudgetLineForm, extra=0)


def budget_rows(formset, currency=EURO):
    """Rows as dicts for services.save_step; an invalid number keeps the line's previous value.

    The unit cost is typed in the budget's `currency`: `unit_cost` for euros, `local_unit_cost` else.
    """
    cost_key = "unit_cost" if currency == EURO else "local_unit_cost"
    rows = []
    for index, form in enumerate(formset.forms):
        form.is_valid()
        cost = getattr(form, "cleaned_data", {}).get("unit_cost")
        if currency == EURO and cost is not None and cost > MAX_AMOUNT:
            form.add_error("unit_cost", _("Ce montant est trop élevé : vérifiez-le."))
        data = {name: value for name, value in getattr(form, "cleaned_data", {}).items() if name not in form.errors}
        if form.errors and not data.get("id"):
            continue  # a new row with a bad number waits until it is corrected
        rows.append({"index": index, "id": data.get("id"), "category": data.get("category"), "label": data.get("label"),
                     "quantity": data.get("quantity"), cost_key: data.get("unit_cost"), "delete": data.get("DELETE")})
    return rows


class CurrencyRateForm(forms.Form):
    """One rate of a call (staff); read and checked by grants.currencies.check_rate."""

    currency = forms.ChoiceField(label=_("Devise"), required=False, choices=[("", "—"), *currency_choices(RATED_CODES)])
    units_per_euro = forms.CharField(
        label=_("Unités pour 1 €"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("Ex. 10,85 pour le dirham marocain."),
    )
    rate_date = forms.DateField(label=_("Date du taux"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    DELETE = forms.BooleanField(label=_("Supprimer ce taux"), required=False)

    def clean_units_per_euro(self):
        value = self.cleaned_data["units_per_euro"]
        if not value:
            return None
        try:
            return parse_rate(value)
        except DomainError as error:
            raise ValidationError(error.message, code=error.code) from None

    def clean(self):
        cleaned = super().clean()
        row = None if self.errors else self.row()
        if row:
            try:
                check_rate(CallCurrencyRate(**row))
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
        return cleaned

    def row(self):
        """The rate as the service takes it, or None for an empty or deleted row."""
        data = self.cleaned_data
        if data.get("DELETE") or not (data.get("currency") or data.get("units_per_euro")):
            return None
        return {"currency": data.get("currency") or "", "units_per_euro": data.get("units_per_euro"), "rate_date": data.get("rate_date")}


CurrencyRateFormSet = formset_factory(CurrencyRateForm, extra=1)


def rate_formset(call, data=None):
    initial = [
        {"currency": rate.currency, "units_per_euro": format_units(rate.units_per_euro), "rate_date": rate.rate_date}
        for rate in (call.currency_rates.all() if call else [])
    ]
    return CurrencyRateFormSet(data, initial=initial, prefix="rates")


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
        labels = {"publish_consent": _("J'accepte que le projet soit présenté parmi les lauréats sur le site du FORIM")}


STEP_FORMS = {"project": ProjectForm, "budget": FundingForm, "operator": OperatorForm, "review": ReviewForm}


class DocumentForm(forms.Form):
    # No default: a partner letter once went in as "Statuts" and replaced the statutes in the vault.
    doc_type = forms.ChoiceField(label=_("Type de pièce"), choices=[("", _("— Choisissez le type de pièce —")), *DocumentType.choices],
                                 error_messages={"required": _("Choisissez le type de cette pièce.")})
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
            "programme", "year", "title", "description", "opens_at", "intent_deadline", "deadline", "envelope",
            "max_grant", "max_grant_share", "min_total_budget", "max_total_budget", "min_association_age_months",
            "max_duration_months", "country_list", "eligible_countries", "excluded_countries", "track_record_required",
            "sectors", "required_documents", "operator_visa_required", "tranche_split", "reviewers_per_application", "anonymous_review",
        ]
        field_classes = {"opens_at": MinuteDateTimeField, "intent_deadline": MinuteDateTimeField, "deadline": MinuteDateTimeField}
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "eligible_countries": CountryPicker, "excluded_countries": CountryPicker}
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


class RuleWaiverForm(forms.Form):
    """Staff lift one rule of the call for one dossier (grants.services.lift_rule), with the reason."""

    rule = forms.ChoiceField(label=_("Règle à lever"), choices=list(LIFTABLE_RULES.items()))
    reason = forms.CharField(
        label=_("Motif"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Conservé avec votre nom et la date ; l'association voit que la règle est levée."),
    )
