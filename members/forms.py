"""Forms of the registry. They check input and hand clean data to `members.services`."""

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from forim_portal.errors import DomainError
from forim_portal.money import parse_percent
from forim_portal.uploads import SPREADSHEET_EXTENSIONS, SafeFileField
from forim_portal.widgets import CountryPicker

from . import provisional
from .choices import Region, Sector
from .countries import country_choices
from .models import DocumentType, FranceAction, MemberRole, Organisation, OrganisationDocument, OrganisationKind
from .organisation_fields import ASSOCIATION_KINDS, PERCENT_FIELDS, fields_for

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ORGANISATION_WIDGETS = {
    "created_on": DATE, "published_on": DATE, "label_since": DATE, "label_until": DATE,
    "cofinancing_offer": forms.Textarea(attrs={"rows": 3}),
}


class CodesField(forms.MultipleChoiceField):
    """A multi-select of codes that shows what is stored selected (countries come back as `Country` objects)."""

    def prepare_value(self, value):
        if value is None or isinstance(value, str):
            return value
        return [str(getattr(item, "code", item)) for item in value]


def _countries(label):
    return CodesField(
        label=label, choices=country_choices, required=False, widget=CountryPicker,
        # Shown without JavaScript only: the picker replaces it with its own hint.
        help_text=_("Sur ordinateur, maintenez Ctrl (ou Cmd) en cliquant pour en choisir plusieurs."),
    )


class PercentField(forms.CharField):
    """A percentage typed as a French reader writes it ("65,5"); `members.organisation_fields` reads it."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def prepare_value(self, value):
        return f"{value:.2f}".replace(".", ",").removesuffix(",00") if hasattr(value, "quantize") else value

    def has_changed(self, initial, data):
        try:
            return parse_percent(data, field=None) != initial if data not in (None, "") else initial is not None
        except DomainError:
            return True


def _checkboxes(label, choices):
    return CodesField(label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple)


def organisation_initial(organisation, names):
    """What the edit page shows: the stored values, in the shape the form fields expect."""
    initial = forms.model_to_dict(organisation, fields=names)
    for name, value in initial.items():
        if name.endswith("_countries"):
            initial[name] = [country.code for country in value]
    return initial


HELP_TEXTS = {
    "rna": _(
        "Numéro du Répertoire national des associations : W suivi de 9 chiffres (par exemple W751000201). "
        "Il figure sur le récépissé de déclaration remis par la préfecture."
    ),
    "siret": _("14 chiffres, facultatif : seulement si l'association est inscrite au répertoire Sirene (Insee)."),
    "created_on": _("Date de la déclaration en préfecture, indiquée sur le récépissé."),
    "published_on": _(
        "Date de parution de l'annonce de création au Journal officiel (JOAFE, Journal officiel des associations), "
        "que vous trouvez sur journal-officiel.gouv.fr."
    ),
}
# Keyboard hints for phones: the RNA starts with a letter, then digits (spaces allowed, the service removes them).
INPUT_HINTS = {
    "rna": {"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false",
            "pattern": r"\s*[Ww](\s*[0-9]){9}\s*"},
    "siret": {"inputmode": "numeric", "autocomplete": "off", "pattern": r"[0-9 ]*"},
    "postcode": {"inputmode": "numeric", "autocomplete": "postal-code"},
}


class OrganisationForm(forms.Form):
    """The organisation's details; which fields show depends on its kind and on who edits.

    It only reads input: every rule (RNA format and uniqueness, lists, dates, the operator) is
    `members.services`'s, whose French message the view shows on the field.
    """

    def __init__(self, data=None, *, instance=None, kind=None, staff=False, prefix=None):
        self.instance = instance
        kind = kind or (instance.kind if instance else None) or OrganisationKind.OSIM
        names = fields_for(kind, staff=staff)
        super().__init__(data, initial=organisation_initial(instance, names) if instance else None, prefix=prefix)
        self.fields.update(forms.fields_for_model(Organisation, fields=names, widgets=ORGANISATION_WIDGETS))
        extra = {
            "diaspora_countries": _countries(_("Pays d'origine de la diaspora")),
            "intervention_countries": _countries(_("Pays d'intervention")),
            "covered_countries": _countries(_("Pays couverts")),
            "sectors": _checkboxes(_("Secteurs d'intervention"), Sector.choices),
            "covered_regions": _checkboxes(_("Régions couvertes"), Region.choices),
        }
        for name, field in extra.items():
            if name in self.fields:
                self.fields[name] = field
        if "operator" in self.fields:
            self.fields["operator"].queryset = Organisation.objects.filter(kind=OrganisationKind.OPERATOR)
        # People type identifiers with spaces: accept them here; the service normalises and checks them.
        for name, length in (("rna", 20), ("siret", 24)):
            field = self.fields[name]
            self.fields[name] = forms.CharField(
                label=field.label, help_text=field.help_text, required=False, max_length=length
            )
        self.fields["rna"].required = kind in ASSOCIATION_KINDS
        self.fields["department"].help_text = _("Déduit du code postal si vous le laissez vide.")
        for name, help_text in HELP_TEXTS.items():
            if name in self.fields:
                self.fields[name].help_text = help_text
        for name, attrs in INPUT_HINTS.items():
            if name in self.fields:
                self.fields[name].widget.attrs.update(attrs)
        for name in PERCENT_FIELDS:
            if name in self.fields:
                field = self.fields[name]
                self.fields[name] = PercentField(label=field.label, help_text=field.help_text, required=field.required)

    def changes(self):
        """The fields the person changed (all of them on a sign-up): the only ones the service writes."""
        names = self.changed_data if self.instance is not None else list(self.fields)
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


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


class KeptFileInput(forms.FileInput):
    """A file input that remembers the file joined on an earlier, refused attempt (`members.provisional`).

    The page carries the kept file's signed token in `<name>_kept`; a new file chosen replaces it.
    """

    def value_from_datadict(self, data, files, name):
        upload = super().value_from_datadict(data, files, name)
        if upload:
            return upload
        token = data.get(f"{name}_kept")
        cache = self.__dict__.setdefault("_kept", {})
        if token not in cache:
            cache[token] = provisional.from_token(token)
        return cache[token]

    def value_omitted_from_data(self, data, files, name):
        return super().value_omitted_from_data(data, files, name) and f"{name}_kept" not in data

    def render(self, name, value, attrs=None, renderer=None):
        if not isinstance(value, provisional.KeptUpload):
            return super().render(name, None, attrs, renderer)
        attrs = {key: item for key, item in (attrs or {}).items() if key != "required"}  # a file is there
        input_id = attrs.get("id") or self.attrs.get("id", "")
        attrs["aria-describedby"] = " ".join(filter(None, [f"{input_id}_kept", attrs.get("aria-describedby")]))
        return format_html(
            '<p class="kept-file" id="{}_kept"><input type="hidden" name="{}_kept" value="{}">{} <strong>{}</strong> '
            '(<label for="{}">{}</label>)</p>{}',
            input_id, name, value.token, _("Fichier déjà joint :"), value.name, input_id, _("remplacer"),
            super().render(name, None, attrs, renderer),
        )


class KeptFileField(SafeFileField):
    """A checked upload that, on a page shown again, offers the file kept from the earlier attempt."""

    widget = KeptFileInput

    def bound_data(self, data, initial):
        return data if isinstance(data, provisional.KeptUpload) else super().bound_data(data, initial)


def _document(label, explanation):
    field = KeptFileField(label=label)
    field.help_text = format_lazy("{} {}", explanation, field.help_text)
    return field


class RegistrationDocuments(forms.Form):
    statutes = _document(_("Statuts de l'association"), _("Les statuts en vigueur, signés."))
    receipt = _document(
        _("Récépissé de déclaration en préfecture"),
        _(
            "Le document que la préfecture (ou le greffe des associations) a remis à la déclaration de "
            "l'association ; il porte son numéro RNA."
        ),
    )
    board_declaration = forms.BooleanField(
        label=_("Je certifie que la majorité du bureau est issue des migrations et que l'association est loi 1901."),
    )
    FILES = ("statutes", "receipt")

    def keep_uploads(self):
        """After a refusal, of this form or another on the page: keep each accepted file for the next attempt.

        A newly chosen file that was accepted is stored provisionally and named in the page; a refused one is
        dropped (the file kept before it, if any, stays).
        """
        data, files = self.data.copy(), self.files.copy()
        for name in self.FILES:
            key = self.add_prefix(name)
            value = None if name in self.errors else self.cleaned_data.get(name)
            if isinstance(value, UploadedFile):
                data[f"{key}_kept"] = provisional.token_for(provisional.keep(value))
            if key in files:
                del files[key]
        self.data, self.files = data, files

    def discard_kept(self):
        """The registration went through: the kept files are now in the vault."""
        for name in self.FILES:
            if isinstance(self.cleaned_data.get(name), provisional.KeptUpload):
                provisional.discard(self.cleaned_data[name])


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
