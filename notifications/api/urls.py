from django.urls import path

from notifications.api import views

urlpatterns = [
    path("notifications/", views.Notifications.as_view(), name="notifications"),
    path("notifications/read/", views.NotificationsRead.as_view(), name="notifications-read"),
]
