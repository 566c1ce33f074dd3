from django.urls import path

from audit.api import views

urlpatterns = [
    path("cases/<int:pk>/audit/", views.CaseAudit.as_view(), name="case-audit"),
]
