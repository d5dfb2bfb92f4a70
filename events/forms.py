from django import forms
from django.utils.translation import gettext_lazy as _

from forim_portal.form_fields import MinuteDateTimeField, keep_untouched
from grants.models import Call

from .models import Event, InvitationStatus
from .rules import organiser_choices


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["kind", "title", "organiser", "starts_at", "ends_at", "place", "city", "region", "online_url",
                  "description", "capacity", "audience", "registration_deadline", "call"]
        field_classes = {"starts_at": MinuteDateTimeField, "ends_at": MinuteDateTimeField,
                         "registration_deadline": MinuteDateTimeField}
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organiser_choices(user)
        self.fields["call"].queryset = Call.objects.select_related("programme").order_by("-year", "title")
        self.fields["call"].required = False

    def clean(self):
        super().clean()
        return keep_untouched(self)

    def _post_clean(self):
        # model validation (dates, ceremony and call) runs in services.save_event, which reports in French
        pass


class RegistrationForm(forms.Form):
    on_behalf = forms.BooleanField(label=_("Au nom de mon association"), required=False)
    name = forms.CharField(label=_("Nom du participant"), max_length=200, required=False,
                           help_text=_("Vide : vous-même."))
    email = forms.EmailField(label=_("E-mail du participant"), required=False, help_text=_("Vide : votre adresse."))


class InvitationMarkForm(forms.Form):
    status = forms.ChoiceField(label=_("Présence"), choices=InvitationStatus.choices)
    represented_by = forms.CharField(label=_("Représenté par"), max_length=200, required=False)
    diploma_handed = forms.BooleanField(label=_("Diplôme remis"), required=False)
