"""Signing in and out, sign-up, email verification, password reset, the Dev mailbox, the theme."""

from django.urls import path, re_path

from console.views import auth, mailbox, password, sign_in_steps, signup, sso, theme

urlpatterns = [
    path("sign-in", auth.sign_in, name="sign_in"),
    path("sign-out", auth.sign_out, name="sign_out"),
    path("sign-in/code", sign_in_steps.sign_in_code, name="sign_in_code"),
    path("sign-in/code/verify", sign_in_steps.sign_in_code_verify, name="sign_in_code_verify"),
    path("sign-in/mfa", sign_in_steps.sign_in_mfa, name="sign_in_mfa"),
    path("sign-in/sso", sso.sign_in_sso, name="sso_sign_in"),
    path("sign-in/sso/callback", sso.sso_callback, name="sso_callback"),
    path("sign-up", signup.signup_create, name="signup_create"),
    path("sign-up/check-email", signup.signup_done, name="signup_done"),
    path("verify-email", signup.email_verify, name="email_verify"),
    path("verify-email/resend", signup.verification_resend, name="verification_resend"),
    path("forgot-password", password.password_forgot, name="password_forgot"),
    path("reset-password", password.password_reset, name="password_reset"),
    path("dev-mailbox", mailbox.mailbox_list, name="mailbox_list"),
    re_path(r"^dev-mailbox/(?P<message_id>[A-Za-z0-9_-]{1,64})$", mailbox.mailbox_message, name="mailbox_message"),
    path("theme", theme.theme_set, name="theme_set"),
]
