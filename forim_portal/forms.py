"""Form pieces shared by the apps' pages and admin."""

from django import forms

from forim_portal.errors import DomainError


class DomainCheckedForm(forms.ModelForm):
    """A model form whose unsaved instance is checked by the domain's validator before the model's constraints.

    `domain_check` is a service function (instance) -> instance raising DomainError. The page and
    the admin then show the service's French message at its field, and never save what the
    service would refuse; they save through the service too.
    """

    domain_check = None

    def validate_constraints(self):
        if not self.errors:
            try:
                type(self).domain_check(self.instance)
            except DomainError as error:
                self.add_error(error.field if error.field in self.fields else None, error.message)
                return
        super().validate_constraints()
