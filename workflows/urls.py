from django.urls import path

from workflows import views

app_name = "workflows"

urlpatterns = [
    path("tasks/", views.my_tasks, name="my-tasks"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
