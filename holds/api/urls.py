from django.urls import path

from holds.api import views

urlpatterns = [
    path("holds/", views.HoldList.as_view(), name="hold-list"),
    path("holds/bulk/", views.HoldBulk.as_view(), name="hold-bulk"),
    path("holds/<int:pk>/release/", views.HoldRelease.as_view(), name="hold-release"),
]
