from django import template
from django.contrib.contenttypes.models import ContentType

from documents.models import DocumentJob
from documents.registry import get_kind
from forim_portal.errors import DomainError

register = template.Library()


@register.inclusion_tag("documents/job_widget.html", takes_context=True)
def document_job(context, kind, target, label, variant=""):
    """A 'generate' button (for those who may request it) and, once requested, the job's progress and download link.

    Usage: {% load documents %}{% document_job "diploma" application _("Diplôme") %}
    """
    job = DocumentJob.objects.filter(
        kind=kind, target_type=ContentType.objects.get_for_model(target), target_id=target.pk, variant=variant
    ).first()
    request = context.get("request")
    user = getattr(request, "user", None)
    try:
        spec = get_kind(kind)
    except DomainError:
        spec = None
    can_request = bool(spec and user and user.is_authenticated and (spec.can_request or spec.can_view)(user, target))
    return {"job": job, "kind": kind, "target": target, "label": label, "variant": variant, "can_request": can_request,
            "request": request, "csrf_token": context.get("csrf_token")}
