from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.index, name="index"),
    path("clients/", views.client_log_find, name="client_log_find"),
    path("clients/<uuid:client_id>/log/", views.client_log, name="client_log"),
    path("clients/<uuid:client_id>/log.csv", views.client_log_export, name="client_log_export"),
    path("clients/<uuid:client_id>/log.pdf", views.client_log_pdf, name="client_log_pdf"),
    path("log-reports/<uuid:report_id>/", views.log_report, name="log_report"),
    path("log-reports/<uuid:report_id>/status/", views.log_report_status, name="log_report_status"),
    path(
        "log-reports/<uuid:report_id>/download/",
        views.log_report_download,
        name="log_report_download",
    ),
    path("users/", views.user_find, name="user_find"),
    path("users/<uuid:user_id>/log/", views.user_log, name="user_log"),
    path("statistics/", views.statistics, name="statistics"),
]
