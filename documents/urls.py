from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("demander/", views.job_request, name="request"),
    path("<int:pk>/", views.job_status, name="status"),
    path("<int:pk>/telecharger/", views.job_download, name="download"),
]
