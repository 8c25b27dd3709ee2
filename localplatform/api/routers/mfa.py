"""/me/mfa (contract §3.8): TOTP enrollment, recovery codes and resetting one's own MFA."""

from ninja import Router, Status

from localplatform.accounts.services import mfa
from localplatform.api.auth import NONE, BearerAuth
from localplatform.api.shapes import mfa as shapes
from localplatform.api.shapes.common import errors

router = Router(tags=["mfa"])
# Allowed while the enrollment gate is active (§1.4); `required` reads the token's organization, not the header.
SELF = BearerAuth(org=NONE, gate_exempt=True)


@router.post("/reset", auth=SELF, response={204: None, **errors(400, 401, 409, 422)}, summary="Reset my MFA")
def reset_mfa(request, body: shapes.MfaResetIn):
    """Deletes the caller's TOTP secret, recovery codes and trusted devices, and revokes every login."""
    mfa.reset_own(request.auth.user, body.password, body.code)
    return Status(204, None)


@router.get("", auth=SELF, response={200: shapes.MfaStatus, **errors(400, 401)}, summary="Get my MFA status")
def describe_mfa(request):
    """Whether MFA is enabled or pending, recovery codes left, and whether the organization requires MFA."""
    actor = request.auth
    return mfa.status(actor.user, actor.login.organization)


@router.post(
    "/totp", auth=SELF, response={201: shapes.TotpEnrollment, **errors(400, 401, 409)}, summary="Start TOTP enrollment"
)
def start_totp(request):
    """Issues a new TOTP secret for an authenticator app; calling it again replaces a pending secret."""
    return Status(201, mfa.start_enrollment(request.auth.user))


@router.post(
    "/totp/confirm",
    auth=SELF,
    response={200: shapes.TotpConfirmed, **errors(400, 401, 409, 422)},
    summary="Confirm TOTP enrollment",
)
def confirm_totp(request, body: shapes.CodeIn):
    """Verifies one code, turns MFA on, returns the recovery codes once and lifts the enrollment gate."""
    actor = request.auth
    return mfa.confirm_enrollment(actor.user, body.code, actor.login.organization)


@router.post(
    "/recovery-codes",
    auth=SELF,
    response={200: shapes.RecoveryCodes, **errors(400, 401, 409, 422)},
    summary="Regenerate recovery codes",
)
def regenerate_recovery_codes(request, body: shapes.CodeIn):
    """Replaces all recovery codes; a current TOTP code is required."""
    return {"recoveryCodes": mfa.regenerate_recovery_codes(request.auth.user, body.code)}
