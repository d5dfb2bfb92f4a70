"""Forms of the registry. They check input and hand clean data to `members.services`."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from forim_portal.uploads import SPREADSHEET_EXTENSIONS, SafeFileField

from .choices import Region, Sector
from .countries import country_choices
from .models import DocumentType, FranceAction, MemberRole, Organisation, OrganisationDocument, OrganisationKind
from .services import existing_rna_owner
from .validators import normalise_rna, normalise_siret

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

COMMON_FIELDS = [
    "name", "acronym", "rna", "siret", "created_on", "published_on", "address", "postcode", "city", "region",
    "department", "website", "email", "phone",
]
KIND_FIELDS = {
    OrganisationKind.OSIM: ["diaspora_countries", "intervention_countries", "sectors", "board_migrant_share"],
    OrganisationKind.FOSIM: ["diaspora_countries", "intervention_countries", "sectors"],
    OrganisationKind.COSIM: ["intervention_countries"],
    OrganisationKind.OPERATOR: ["label_since", "label_until", "covered_regions", "covered_countries"],
    OrganisationKind.PARTNER: ["cofinancing_offer", "cofinancing_rate", "intervention_countries"],
    OrganisationKind.FORIM: [],
}
STAFF_FIELDS = ["kind", "operator"]


def department_from_postcode(postcode):
    postcode = (postcode or "").strip()
    if len(postcode) != 5 or not postcode.isdigit():
        return ""
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        return "2A" if int(postcode) < 20200 else "2B"
    return postcode[:2]


def _countries(label):
    return forms.MultipleChoiceField(
        label=label, choices=country_choices, required=False, widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."),
    )


class OrganisationForm(forms.ModelForm):
    """The organisation's details; which fields show depends on its kind and on who edits."""

    diaspora_countries = _countries(_("Pays d'origine de la diaspora"))
    intervention_countries = _countries(_("Pays d'intervention"))
    covered_countries = _countries(_("Pays couverts"))
    sectors = forms.MultipleChoiceField(
        label=_("Secteurs d'intervention"), choices=Sector.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    covered_regions = forms.MultipleChoiceField(
        label=_("Régions couvertes"), choices=Region.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Organisation
        fields = COMMON_FIELDS + sorted({f for fields in KIND_FIELDS.values() for f in fields}) + STAFF_FIELDS
        widgets = {
            "created_on": DATE, "published_on": DATE, "label_since": DATE, "label_until": DATE,
            "cofinancing_offer": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, kind=None, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        kind = kind or self.instance.kind or OrganisationKind.OSIM
        keep = set(COMMON_FIELDS) | set(KIND_FIELDS.get(kind, []))
        if staff:
            keep |= set(STAFF_FIELDS)
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "operator" in self.fields:
            self.fields["operator"].queryset = Organisation.objects.filter(kind=OrganisationKind.OPERATOR)
        # People type identifiers with spaces: accept them here, normalise in clean_*, let the model validate.
        for name, length in (("rna", 20), ("siret", 24)):
            field = self.fields[name]
            self.fields[name] = forms.CharField(
                label=field.label, help_text=field.help_text, required=False, max_length=length
            )
        self.fields["rna"].required = kind in (OrganisationKind.OSIM, OrganisationKind.FOSIM, OrganisationKind.COSIM)
        self.fields["department"].help_text = _("Déduit du code postal si vous le laissez vide.")

    def clean_rna(self):
        rna = normalise_rna(self.cleaned_data.get("rna")) or None
        owner = existing_rna_owner(rna, exclude_pk=self.instance.pk) if rna else None
        if owner:
            raise forms.ValidationError(
                _("Le numéro RNA %(rna)s est déjà celui de l'organisation « %(name)s ». Si c'est la vôtre, "
                  "demandez à son administrateur de vous inviter.") % {"rna": rna, "name": owner}
            )
        return rna

    def clean_siret(self):
        return normalise_siret(self.cleaned_data.get("siret"))

    def clean(self):
        data = super().clean()
        if "department" in self.fields and not data.get("department"):
            data["department"] = department_from_postcode(data.get("postcode"))
        since, until = data.get("label_since"), data.get("label_until")
        if since and until and until < since:
            self.add_error("label_until", _("La fin du label précède son début."))
        return data

    def changed_data_dict(self):
        return {name: self.cleaned_data[name] for name in self.fields if name in self.cleaned_data}


class AccountFields(forms.Form):
    first_name = forms.CharField(label=_("Votre prénom"), max_length=150)
    last_name = forms.CharField(label=_("Votre nom"), max_length=150)
    account_email = forms.EmailField(label=_("Votre adresse e-mail (identifiant de connexion)"))
    password = forms.CharField(label=_("Mot de passe"), widget=forms.PasswordInput(render_value=True), strip=False)
    password_again = forms.CharField(
        label=_("Mot de passe (confirmation)"), widget=forms.PasswordInput(render_value=True), strip=False
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("Les deux mots de passe ne sont pas identiques."))
        elif data.get("password"):
            try:
                validate_password(data["password"])
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return data


class RegistrationDocuments(forms.Form):
    statutes = SafeFileField(label=_("Statuts de l'association"))
    receipt = SafeFileField(label=_("Récépissé de déclaration en préfecture"))
    board_declaration = forms.BooleanField(
        label=_("Je certifie que la majorité du bureau est issue des migrations et que l'association est loi 1901."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (envoyé à l'association)"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne à inviter"))
    role = forms.ChoiceField(
        label=_("Rôle"), choices=MemberRole.choices, initial=MemberRole.MEMBER,
        help_text=_("Administrateur : gère les membres ; membre : écrit les dossiers ; lecteur : consulte seulement."),
    )


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label=_("Prénom"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    password = forms.CharField(label=_("Choisissez un mot de passe"), widget=forms.PasswordInput, strip=False)

    def clean_password(self):
        validate_password(self.cleaned_data["password"])
        return self.cleaned_data["password"]


class DocumentForm(forms.ModelForm):
    file = SafeFileField(label=_("Fichier"))

    class Meta:
        model = OrganisationDocument
        fields = ["doc_type", "year", "valid_until", "title", "file"]
        widgets = {"valid_until": DATE}
        help_texts = {"valid_until": _("Laissez vide si le document n'expire pas (statuts, récépissé).")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["doc_type"].choices = DocumentType.choices

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year and not 1900 <= year <= 2100:
            raise forms.ValidationError(_("Année invalide."))
        return year


class FranceActionForm(forms.ModelForm):
    class Meta:
        model = FranceAction
        fields = ["title", "domain", "year", "objectives", "results", "audience", "city", "region", "in_qpv", "neighbourhood"]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 3}), "results": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"neighbourhood": _("Par exemple : Le Blosne, La Mosson, Château-Rouge.")}


class NetworkLinkForm(forms.Form):
    network = forms.ModelChoiceField(
        label=_("Fédération ou collectif"),
        queryset=Organisation.objects.filter(kind__in=[OrganisationKind.FOSIM, OrganisationKind.COSIM]).order_by("name"),
    )
    since = forms.DateField(label=_("Adhérente depuis le"), required=False, widget=DATE)
    until = forms.DateField(label=_("Jusqu'au"), required=False, widget=DATE)


class ImportForm(forms.Form):
    file = SafeFileField(
        label=_("Liste des membres (CSV ou XLSX)"), extensions=SPREADSHEET_EXTENSIONS,
    )
