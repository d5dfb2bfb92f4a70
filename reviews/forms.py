from django import forms
from django.utils.translation import gettext_lazy as _

from forim_portal.form_fields import AmountField
from grants.forms import CorrectionDueField
from grants.models import Call

from .models import CommitteeSession, Opinion, Outcome
from .services import ADMISSIBLE, CORRECTIONS, INADMISSIBLE

STEPS = [
    ("association", _("Association")),
    ("project", _("Projet")),
    ("budget", _("Budget")),
    ("documents", _("Pièces")),
    ("operator", _("Opérateur d'appui")),
]


class AdmissibilityForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Issue"), widget=forms.RadioSelect,
        choices=[(ADMISSIBLE, _("Recevable")), (INADMISSIBLE, _("Irrecevable")), (CORRECTIONS, _("Corrections demandées"))],
    )
    sections = forms.MultipleChoiceField(
        label=_("Étapes à corriger"), choices=STEPS, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Seulement pour une demande de corrections : l'association pourra modifier ces étapes."),
    )
    reason = forms.CharField(
        label=_("Motif ou ce qu'il faut corriger"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour l'irrecevabilité et les corrections ; l'association le lit."),
    )
    due_on = CorrectionDueField()


class OpinionForm(forms.Form):
    opinion = forms.ChoiceField(label=_("Avis"), choices=Opinion.choices, widget=forms.RadioSelect)
    text = forms.CharField(label=_("Avis motivé"), widget=forms.Textarea(attrs={"rows": 6}))


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note interne"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Visible seulement par l'équipe du FORIM."))


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("Pourquoi ne pouvez-vous pas évaluer ce dossier ?"), max_length=255)


class SessionForm(forms.ModelForm):
    class Meta:
        model = CommitteeSession
        fields = ["call", "date", "place", "members_present"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "members_present": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = Call.objects.select_related("programme").order_by("-year", "title")


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Décision"), choices=Outcome.choices)
    amount = AmountField(label=_("Montant attribué (€)"), required=False)  # read by forim_portal.money.parse_amount
    reason = forms.CharField(label=_("Motif"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             help_text=_("Obligatoire pour ne pas retenir ou ajourner ; facultatif pour attribuer. L'association le lit."))
