from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import User
from .second_factor import has_second_factor, reset_second_factor


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "second_factor"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    actions = ["reset_second_factor"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "phone", "language"]}),
        (_("Accès"), {"fields": ["role", "is_active", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]

    @admin.display(boolean=True, description=_("double authentification"))
    def second_factor(self, user):
        return has_second_factor(user)

    @admin.action(description=_("Réinitialiser la double authentification (téléphone perdu)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            reset_second_factor(user=user)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d compte devra activer de nouveau la double authentification.",
                "%(count)d comptes devront activer de nouveau la double authentification.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
