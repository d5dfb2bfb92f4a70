from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.operator_home, name="operator_home"),
    path("activite/", views.staff_activity, name="staff_activity"),
    path("mon-activite/", views.operator_activity, name="operator_activity"),
    path("associations/<int:pk>/", views.association, name="association"),
    path("associations/<int:pk>/suivi/", views.log_create, name="log_create"),
    path("associations/<int:pk>/convention/", views.agreement_create, name="agreement_create"),
    path("conventions/<int:pk>/fichier/", views.agreement_file, name="agreement_file"),
]
