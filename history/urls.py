from django.urls import path

from . import views

app_name = "history"

urlpatterns = [
    path("", views.import_history, name="import"),
    path("annuler/", views.import_cancel, name="import_cancel"),
    path("modele.csv", views.template_csv, name="template"),
]
