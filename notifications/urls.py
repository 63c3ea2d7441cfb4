from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("bell/", views.bell, name="bell"),
    path("tasks/<int:task_id>/done/", views.complete_task, name="complete_task"),
    path("reminders/<int:reminder_id>/read/", views.mark_reminder_read, name="mark_reminder_read"),
    path("reminders/read/", views.mark_all_read, name="mark_all_read"),
]
