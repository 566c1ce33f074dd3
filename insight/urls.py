from django.urls import path, re_path

from insight import views

urlpatterns = [
    path("insight/", views.Insight.as_view(), name="insight"),
    re_path(
        r"^insight/(?P<figure>turnaround|workload|reviewers|outcomes)\.csv$",
        views.InsightCsv.as_view(),
        name="insight-csv",
    ),
]
