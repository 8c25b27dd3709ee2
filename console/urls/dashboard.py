from django.urls import path

from console.views import dashboard

urlpatterns = [path("", dashboard.dashboard_show, name="dashboard")]
