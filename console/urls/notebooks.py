from django.urls import path

from console.views import notebooks

NOTEBOOK = "workloads/notebooks/<id:notebook_id>"

urlpatterns = [
    path("workloads/notebooks", notebooks.notebook_list, name="notebook_list"),
    path("workloads/notebooks/new", notebooks.notebook_create, name="notebook_create"),
    path(NOTEBOOK, notebooks.notebook_detail, name="notebook_detail"),
    path(f"{NOTEBOOK}/state", notebooks.notebook_state, name="notebook_state"),
    path(f"{NOTEBOOK}/activity", notebooks.notebook_activity, name="notebook_activity"),
    path(f"{NOTEBOOK}/start", notebooks.notebook_start, name="notebook_start"),
    path(f"{NOTEBOOK}/stop", notebooks.notebook_stop, name="notebook_stop"),
    path(f"{NOTEBOOK}/delete", notebooks.notebook_delete, name="notebook_delete"),
]
