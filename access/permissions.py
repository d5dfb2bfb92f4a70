"""The guards pages and the API use: one staff guard, one "see it or 404, do it or 403" helper.

- `staff_required` (function views) and `StaffRequiredMixin` (class views) refuse everyone
  but FORIM staff with "Réservé à l'équipe du FORIM." (403; anonymous visitors go to login).
- `visible_or_404(queryset, pk)`: an object the user may not see answers 404, the same as a
  missing one (its existence is not revealed). Pass a queryset from `access.visibility`.
- `has_perm(user, perm, obj)`: the registered `rules` predicate, evaluated as declared. Unlike
  `User.has_perm`, a superuser gets no blanket "yes": administrators are FORIM staff and
  get exactly staff's permissions (an administrator does not submit an association's dossier).
- `require(user, perm, obj)`: for an action on an object the user may see but not do: 403
  with a French message. `PermissionRequiredMixin` does the same for class views.
- API: `IsForimStaff`, `StaffWritesOnly`, and `HasPermission`, which asks `has_perm` for the
  permission a viewset declares per action (`permission_map`); viewsets take their
  `get_queryset` from `access.visibility`, so an object outside it is a 404 before any check.
"""

from functools import wraps

import rules
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from forim_portal.errors import DomainError

from .visibility import is_staff

STAFF_ONLY = _("Réservé à l'équipe du FORIM.")
NOT_ALLOWED = _("Vous n'avez pas le droit de faire cette action.")


def check_staff(user):
    """The one staff guard: raises 403 "Réservé à l'équipe du FORIM." for anyone else."""
    if not is_staff(user):
        raise PermissionDenied(STAFF_ONLY)


def require_staff(by, *, system=False):
    """The staff guard of the services (pages, API, admin and tasks all reach them): 403 DomainError.

    `by=None` is the system (a task, a workflow effect): refused unless the caller says
    `system=True`, so no anonymous call gets through by forgetting its actor.
    """
    if by is None and system:
        return
    if not is_staff(by):
        raise DomainError(STAFF_ONLY, code="forbidden", status=403)


def staff_required(view):
    """Decorator for function views: signed in (else the login page), then FORIM staff (else 403)."""

    @wraps(view)
    def guarded(request, *args, **kwargs):
        check_staff(request.user)
        return view(request, *args, **kwargs)

    return login_required(guarded)


class StaffRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            check_staff(request.user)
        return super().dispatch(request, *args, **kwargs)


def visible_or_404(queryset, **lookup):
    """The object in a visibility queryset, or 404 (the same answer as a missing one)."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def has_perm(user, perm, obj=None):
    """The registered predicate `perm` for this user and object (no superuser shortcut)."""
    return rules.has_perm(perm, user, obj)


def require(user, perm, obj=None, message=None):
    """403 with a French message unless `has_perm(user, perm, obj)`."""
    if not has_perm(user, perm, obj):
        raise PermissionDenied(message or NOT_ALLOWED)


class PermissionRequiredMixin(LoginRequiredMixin):
    """Class views: `visible(user)` gives the queryset the object is taken from (404 outside it);
    `permission_required` is then asked of `has_perm` on that object (403 when refused)."""

    permission_required = None
    permission_message = None

    def visible(self, user):
        raise NotImplementedError

    def get_object(self, queryset=None):
        obj = visible_or_404(self.visible(self.request.user), pk=self.kwargs["pk"])
        if self.permission_required:
            require(self.request.user, self.permission_required, obj, self.permission_message)
        return obj


class IsForimStaff(permissions.BasePermission):
    """API: FORIM staff only."""

    message = STAFF_ONLY

    def has_permission(self, request, view):
        return is_staff(request.user)


class StaffWritesOnly(permissions.IsAuthenticated):
    """API: everyone signed in reads; FORIM staff write."""

    message = STAFF_ONLY

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        return request.method in permissions.SAFE_METHODS or is_staff(request.user)


class HasPermission(permissions.IsAuthenticated):
    """API: `view.permission_map[action]` (a `rules` permission name) asked of `has_perm`.

    On the list and create actions the permission is asked without an object; on detail
    actions, of the object (already found in the visibility queryset, else 404).
    """

    message = NOT_ALLOWED

    def _perm(self, view):
        return getattr(view, "permission_map", {}).get(getattr(view, "action", None))

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        perm = self._perm(view)
        if perm is None or getattr(view, "detail", False):
            return True
        return has_perm(request.user, perm)

    def has_object_permission(self, request, view, obj):
        perm = self._perm(view)
        return perm is None or has_perm(request.user, perm, obj)
