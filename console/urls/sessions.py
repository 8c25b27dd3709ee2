from django.urls import path

from console.views import sessions

SESSION = "workloads/sessions/<id:session_id>"

urlpatterns = [
    path("workloads/sessions", sessions.session_list, name="session_list"),
    path("workloads/sessions/new", sessions.session_create, name="session_create"),
    path(SESSION, sessions.session_detail, name="session_detail"),
    path(f"{SESSION}/close", sessions.session_close, name="session_close"),
    path(f"{SESSION}/relaunch", sessions.session_relaunch, name="session_relaunch"),
]
