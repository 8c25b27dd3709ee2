from django.urls import path

from console.views import billing

WINDOW = "billing/<str:cloud_account_id>/<id:submission_id>"

urlpatterns = [
    path("billing", billing.billing_overview, name="billing_overview"),
    path("billing/windows.csv", billing.billing_windows_csv, name="billing_windows_csv"),
    path(WINDOW, billing.billing_window, name="billing_window"),
    path(f"{WINDOW}.csv", billing.billing_window_csv, name="billing_window_csv"),
]
