from django.urls import path

from localplatform.accounts import outbox

urlpatterns = [
    path("_local/outbox", outbox.outbox_list, name="outbox_list"),
    path("_local/outbox/<str:message_id>", outbox.outbox_show, name="outbox_show"),
]
