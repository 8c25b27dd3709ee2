"""/me/emails, /me/logins, /me/trusted-devices and /me/password (contract §3.3); not organization-scoped."""

from django.utils import timezone
from ninja import Query, Router, Status
from pydantic import Field

from localplatform.accounts.models import TrustedDevice
from localplatform.accounts.services import addresses, passwords
from localplatform.api import account_shapes as shapes
from localplatform.api.auth import NONE, BearerAuth
from localplatform.api.pagination import MarkerQuery, decode_marker, encode_marker
from localplatform.api.schemas import Id, Input
from localplatform.api.shapes import errors
from localplatform.errors import not_found
from localplatform.identity.models import Login
from localplatform.identity.services import tokens

router = Router(tags=["users"])
SELF = BearerAuth(org=NONE)


class EmailIn(Input):
    email: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class PasswordChangeIn(Input):
    currentPassword: str = Field(max_length=128)
    newPassword: str = Field(min_length=12, max_length=128)


@router.get(
    "/emails",
    auth=SELF,
    response={200: shapes.EmailPage, **errors(400, 401, 403)},
    summary="List my email addresses",
    exclude_unset=True,
)
def email_list(request, query: Query[MarkerQuery]):
    """Lists the caller's addresses, primary first, and whether each is verified."""
    rows = addresses.addresses_of(request.auth.user)
    start = int(decode_marker(query.marker, {})[0]) if query.marker else 0
    page = rows[start : start + query.limit]
    body: dict = {"items": [addresses.email_data(a) for a in page]}
    if query.limit and start + query.limit < len(rows):
        body["marker"] = encode_marker([start + query.limit], {})
    return body


@router.post(
    "/emails",
    auth=SELF,
    response={201: shapes.Email, **errors(400, 401, 403, 409, 422)},
    summary="Add an email address",
)
def email_add(request, body: EmailIn):
    """Adds an unverified address and emails a verification link."""
    address = addresses.add(request.auth.user, body.email, request)
    return Status(201, addresses.email_data(address))


@router.delete(
    "/emails/{emailId}",
    auth=SELF,
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Remove an email address",
)
def email_remove(request, emailId: Id):
    """Removes one of the caller's non-primary addresses."""
    addresses.remove(request.auth.user, emailId)
    return Status(204, None)


@router.get(
    "/logins",
    auth=SELF,
    response={200: shapes.LoginList, **errors(400, 401, 403)},
    summary="List my logins",
)
def login_list(request):
    """Lists the caller's active, unexpired logins; the calling login has current: true."""
    actor = request.auth
    logins = Login.objects.filter(user=actor.user, revoked_at__isnull=True, expires_at__gt=timezone.now())
    return {"items": [shapes.login_data(login, actor.login) for login in logins.order_by("-last_used_at", "id")]}


@router.delete(
    "/logins/{loginId}",
    auth=SELF,
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Revoke a login",
)
def login_revoke(request, loginId: Id):
    """Ends one login at once: its access and refresh tokens stop working."""
    login = Login.objects.filter(pk=loginId, user=request.auth.user, revoked_at__isnull=True).first()
    if login is None or not login.is_live:
        raise not_found("login")
    tokens.revoke_login(login)
    return Status(204, None)


@router.get(
    "/trusted-devices",
    auth=SELF,
    response={200: shapes.TrustedDeviceList, **errors(400, 401, 403)},
    summary="List my trusted devices",
)
def trusted_device_list(request):
    """Lists the caller's unexpired devices that skip the MFA step."""
    devices = TrustedDevice.objects.filter(user=request.auth.user, expires_at__gt=timezone.now())
    return {"items": [shapes.trusted_device_data(d) for d in devices.order_by("-last_used_at", "id")]}


@router.delete(
    "/trusted-devices/{trustedDeviceId}",
    auth=SELF,
    response={204: None, **errors(400, 401, 403, 404)},
    summary="Revoke a trusted device",
)
def trusted_device_revoke(request, trustedDeviceId: Id):
    """Forgets a device, so its next login needs MFA again."""
    deleted, _ = TrustedDevice.objects.filter(
        pk=trustedDeviceId, user=request.auth.user, expires_at__gt=timezone.now()
    ).delete()
    if not deleted:
        raise not_found("trusted device")
    return Status(204, None)


@router.post(
    "/password",
    auth=SELF,
    response={204: None, **errors(400, 401, 403, 422)},
    summary="Change user password",
)
def password_change(request, body: PasswordChangeIn):
    """Changes the caller's password with the current one; their other logins are revoked."""
    actor = request.auth
    passwords.change(actor.user, actor.login, body.currentPassword, body.newPassword)
    return Status(204, None)
