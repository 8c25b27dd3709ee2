from django.urls import path

from console.views import operations

urlpatterns = [
    path(
        "infrastructure/operations/<id:operation_id>/progress",
        operations.operation_progress,
        name="operation_progress",
    ),
]
