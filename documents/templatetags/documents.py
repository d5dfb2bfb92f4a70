from django import template
from django.contrib.contenttypes.models import ContentType

from documents.models import DocumentJob

register = template.Library()


@register.inclusion_tag("documents/job_widget.html", takes_context=True)
def document_job(context, kind, target, label, variant=""):
    """A 'generate' button and, once requested, the job's progress and download link.

    Usage: {% load documents %}{% document_job "diploma" application _("Diplôme") %}
    """
    job = DocumentJob.objects.filter(
        kind=kind, target_type=ContentType.objects.get_for_model(target), target_id=target.pk, variant=variant
    ).first()
    return {"job": job, "kind": kind, "target": target, "label": label, "variant": variant,
            "request": context.get("request"), "csrf_token": context.get("csrf_token")}
