from django.urls import path

from workflows.api import views

urlpatterns = [
    path("versions/<int:pk>/submit/", views.SubmitVersion.as_view(), name="version-submit"),
    path("versions/<int:pk>/workflow/", views.VersionWorkflow.as_view(), name="version-workflow"),
    path("versions/<int:pk>/corrections-letter.pdf", views.CorrectionsLetter.as_view(), name="corrections-letter"),
    path("versions/<int:pk>/approved-set.pdf", views.ApprovedSet.as_view(), name="approved-set"),
    path("workflows/<int:pk>/", views.WorkflowDetail.as_view(), name="workflow-detail"),
    path("tasks/", views.TaskList.as_view(), name="task-list"),
    path("tasks/<int:pk>/decision/", views.TaskDecision.as_view(), name="task-decision"),
]
