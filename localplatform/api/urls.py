from django.urls import path

from localplatform.api import outbox
from localplatform.api.app import api

urlpatterns = [
    path("api/v1/", api.urls),
    # The Dev mailbox (local mode only, §7): outside /api/v1, no token.
    path("_local/outbox", outbox.outbox_list, name="outbox_list"),
    path("_local/outbox/<str:message_id>", outbox.outbox_show, name="outbox_show"),
]
