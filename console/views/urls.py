"""Console URLs. View modules: auth (sign-in/out), dashboard, theme, errors (pages for failures)."""

from django.urls import path

from console.views import auth, dashboard, theme

urlpatterns = [
    path("", dashboard.dashboard_show, name="dashboard"),
    path("sign-in", auth.sign_in, name="sign_in"),
    path("sign-out", auth.sign_out, name="sign_out"),
    path("theme", theme.theme_set, name="theme_set"),
]
