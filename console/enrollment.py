"""Forced MFA enrollment (contract §1.4): while the login is gated, every screen leads to TOTP setup.

Placed after PlatformMiddleware in MIDDLEWARE, so its process_exception sees a 403
mfa_enrollment_required before the generic error page would.
"""

from django.urls import Resolver404, resolve, reverse

from console.client.errors import Forbidden
from console.htmx import navigate
from console.views.sign_in_steps import ENROLL_KEY

ALLOWED = frozenset(
    {
        "mfa_enroll",
        "mfa_setup_start",
        "mfa_setup",
        "mfa_qr",
        "mfa_recovery_codes",
        "mfa_recovery_download",
        "mfa_recovery_done",
        "sign_out",
        "theme_set",
        "mailbox_list",
        "mailbox_message",
    }
)


class MfaEnrollmentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if getattr(request, "platform", None) is not None and request.session.get(ENROLL_KEY):
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None
            if name is not None and name not in ALLOWED:
                return navigate(request, reverse("mfa_enroll"))
        return self.get_response(request)

    def process_exception(self, request, exception):
        gated = isinstance(exception, Forbidden) and exception.code == "mfa_enrollment_required"
        if gated and getattr(request, "platform", None) is not None:
            request.session[ENROLL_KEY] = True
            return navigate(request, reverse("mfa_enroll"))
        return None
