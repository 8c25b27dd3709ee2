"""My account: profile, email addresses, security (password, MFA), sessions, trusted devices, my teams."""

from django.urls import path

from console.views import account, mfa

urlpatterns = [
    path("account", account.account_profile, name="account_profile"),
    path("account/emails", account.account_emails, name="account_emails"),
    path("account/emails/add", account.account_email_add, name="account_email_add"),
    path("account/emails/<id:email_id>/primary", account.account_email_primary, name="account_email_primary"),
    path("account/emails/<id:email_id>/remove", account.account_email_remove, name="account_email_remove"),
    path("account/security", mfa.account_security, name="account_security"),
    path("account/security/password", account.account_password, name="account_password"),
    path("account/security/enroll", mfa.mfa_enroll, name="mfa_enroll"),
    path("account/security/totp/start", mfa.mfa_setup_start, name="mfa_setup_start"),
    path("account/security/totp", mfa.mfa_setup, name="mfa_setup"),
    path("account/security/totp/qr.svg", mfa.mfa_qr, name="mfa_qr"),
    path("account/security/recovery-codes", mfa.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("account/security/recovery-codes.txt", mfa.mfa_recovery_download, name="mfa_recovery_download"),
    path("account/security/recovery-codes/done", mfa.mfa_recovery_done, name="mfa_recovery_done"),
    path("account/security/recovery-codes/regenerate", mfa.mfa_recovery_regenerate, name="mfa_recovery_regenerate"),
    path("account/security/mfa/reset", mfa.mfa_reset, name="mfa_reset"),
    path("account/sessions", account.account_sessions, name="account_sessions"),
    path("account/sessions/<id:login_id>/revoke", account.account_session_revoke, name="account_session_revoke"),
    path("account/sessions/revoke-all", account.account_sessions_revoke_all, name="account_sessions_revoke_all"),
    path("account/devices", account.account_devices, name="account_devices"),
    path("account/devices/<id:device_id>/revoke", account.account_device_revoke, name="account_device_revoke"),
    path("account/teams", account.account_teams, name="account_teams"),
]
