from django.urls import path

from accounts import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("role/", views.switch_role, name="switch_role"),
    path("profile/", views.profile, name="profile"),
    path("session/keepalive/", views.keepalive, name="session_keepalive"),
    path("session/status/", views.session_status, name="session_status"),
]
