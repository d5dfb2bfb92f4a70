from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from access import visibility
from access.permissions import visible_or_404
from forim_portal.uploads import serve_file

from .models import JobStatus
from .registry import get_kind
from .services import request_document


def _visible_job(request, pk):
    """A job whose target's document the user may read, or 404 (the same answer as a missing job)."""
    return visible_or_404(visibility.document_jobs(request.user), pk=pk)


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
    target_id = request.POST.get("target", "")
    if not target_id.isdigit() or len(target_id) > 18:  # never a lookup the database cannot hold
        raise Http404
    target = model.objects.filter(pk=int(target_id)).first()
    if target is None:
        raise Http404
    job = request_document(kind=spec.code, target=target, user=request.user, variant=request.POST.get("variant", ""),
                           parameters=request.POST.get("parameters", ""))
    job.refresh_from_db()
    if request.htmx:
        return render(request, "documents/job_fragment.html", {"job": job})
    target_url = request.POST.get("next", "")
    # only a path of this site (a view name or an outside address would be a 500 or an open redirect)
    if target_url.startswith("/") and url_has_allowed_host_and_scheme(target_url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target_url)
    return redirect("documents:status", pk=job.pk)
