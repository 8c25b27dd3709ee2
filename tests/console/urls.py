"""The console's URLs plus probe views that make one platform call, to exercise error handling."""

from django.http import HttpResponse
from django.urls import path

from console.client.organization import describe_settings
from console.client.roles import describe_role
from console.client.users import describe_me
from console.urls import handler403, handler404, handler500
from console.urls import urlpatterns as console_urlpatterns
from console.views.decorators import signed_in

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


@signed_in
def probe_me(request):
    return HttpResponse(describe_me(request.platform).user.display_name)


@signed_in
def probe_role(request, role_id):
    return HttpResponse(describe_role(request.platform, role_id).role.name)


@signed_in
def probe_org_settings(request, org_id):
    request.platform.organization_id = org_id
    return HttpResponse(describe_settings(request.platform).organization_name)


@signed_in
def probe_write(request):
    request.platform.call("POST", "/auth/logout", body={}, scoped=False)
    return HttpResponse("done")


urlpatterns = [
    path("probe/me", probe_me),
    path("probe/roles/<str:role_id>", probe_role),
    path("probe/orgs/<str:org_id>/settings", probe_org_settings),
    path("probe/write", probe_write),
    *console_urlpatterns,
]
