from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from forim_portal.uploads import serve_file

from .models import DocumentJob, JobStatus
from .registry import get_kind
from .services import can_view_job, request_document


def _visible_job(request, pk):
    job = get_object_or_404(DocumentJob, pk=pk)
    if not can_view_job(request.user, job):
        raise Http404  # the same answer as a missing job: no guessing by id
    return job


@login_required
def job_status(request, pk):
    """The job's progress; htmx polls the fragment until the file is ready."""
    job = _visible_job(request, pk)
    template = "documents/job_fragment.html" if request.htmx else "documents/job_page.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, pk):
    job = _visible_job(request, pk)
    if job.status != JobStatus.DONE or not job.file:
        raise Http404
    return serve_file(job.file, filename=job.filename)


@login_required
@require_POST
def job_request(request):
    spec = get_kind(request.POST.get("kind", ""))
    model = apps.get_model(spec.model)
    try:
        target = model.objects.get(pk=int(request.POST.get("target", "")))
    except (ValueError, model.DoesNotExist):
        raise Http404 from None
    job = request_document(kind=spec.code, target=target, user=request.user, variant=request.POST.get("variant", ""))
    job.refresh_from_db()
    if request.htmx:
        return render(request, "documents/job_fragment.html", {"job": job})
    target_url = request.POST.get("next")
    if target_url and url_has_allowed_host_and_scheme(target_url, allowed_hosts={request.get_host()}):
        return redirect(target_url)
    return redirect("documents:status", pk=job.pk)
