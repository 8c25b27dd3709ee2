"""Settings → Organization: read by every member, changed by those with CanManageOrganization; only what
changed is sent; turning DPoP on needs a confirmation, and the console keeps working afterwards."""

import pytest
from django.test import Client

from localplatform.identity.models import Organization
from localplatform.identity.services import directory
from tests.client.support import assert_kept, faults, writes_fail
from tests.console.conftest import sign_in
from tests.console.test_dashboard import text_of
from tests.console.test_members import calls_of

HX = {"HX-Request": "true"}


def form_data(org: Organization, **changes) -> dict:
    data = {
        "organization_name": org.name,
        "default_role_id": org.default_role_id,
        "session_lifetime_minutes": org.session_lifetime_minutes,
        "invitation_expiry_hours": org.invitation_expiry_hours,
        "trusted_device_lifetime_days": org.trusted_device_lifetime_days,
    }
    if org.require_mfa:
        data["require_mfa"] = "on"
    if org.require_dpop:
        data["require_dpop"] = "on"
    return data | changes


@pytest.fixture
def owner(signed_in, cast):
    client = signed_in(cast.owner)
    client.get("/")
    return client


def test_the_page_shows_every_setting_in_two_calls(owner, cast):
    response = owner.get("/settings/organization")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{cast.org.name}"' in html and 'name="session_lifetime_minutes"' in html
    assert "Require DPoP-bound tokens" in html and "Save settings" in html
    options = text_of(response).split("Default role", 1)[1]
    assert "Member" in options and "Owner" not in options.split("The organization role", 1)[0]
    assert calls_of(response) == ["GET /org/settings", "GET /org/roles"]


def test_saving_changes_the_name_in_the_top_bar_too(owner, cast):
    response = owner.post("/settings/organization", form_data(cast.org, organization_name="Acme Data"))
    assert response.status_code == 302
    cast.org.refresh_from_db()
    assert cast.org.name == "Acme Data"
    page = owner.get("/settings/organization")
    assert "Settings saved." in text_of(page) and 'class="app-topbar-org"' in page.content.decode()
    assert "Acme Data" in page.content.decode().split('class="app-topbar-org"', 1)[1][:300]


def test_only_what_changed_is_sent(owner, cast):
    response = owner.post("/settings/organization", form_data(cast.org, invitation_expiry_hours="48"))
    assert response.status_code == 302
    calls = calls_of(response)
    assert calls[-1] == "PATCH /org/settings"
    cast.org.refresh_from_db()
    assert cast.org.invitation_expiry_hours == 48


def test_out_of_bounds_values_are_errors_at_their_fields_keeping_the_input(owner, cast):
    data = form_data(cast.org, session_lifetime_minutes="5", trusted_device_lifetime_days="365", organization_name="")
    response = owner.post("/settings/organization", data, headers=HX)
    assert response.status_code == 422
    text = text_of(response)
    assert "Enter a whole number of minutes from 15 to 43,200." in text
    assert "Enter a whole number of days from 1 to 90." in text and "Give the organization a name." in text
    assert "3 fields to correct" in text and 'value="365"' in response.content.decode()


def test_turning_dpop_on_needs_the_confirmation_then_the_console_keeps_working(owner, cast):
    refused = owner.post("/settings/organization", form_data(cast.org, require_dpop="on"))
    assert refused.status_code == 422 and "Confirm that Bearer-token clients will stop working" in text_of(refused)
    assert not Organization.objects.get(pk=cast.org.pk).require_dpop
    done = owner.post("/settings/organization", form_data(cast.org, require_dpop="on", confirm_dpop="on"))
    assert done.status_code == 302
    assert Organization.objects.get(pk=cast.org.pk).require_dpop
    assert owner.get("/members").status_code == 200  # the console's tokens are bound: nobody is signed out


@pytest.mark.parametrize("who", ["member", "auditor"])
def test_others_read_the_settings_without_a_save_and_the_platform_refuses_a_post(cast, auditor, who):
    client = Client()
    assert sign_in(client, auditor if who == "auditor" else cast.member).status_code == 302
    client.get("/")
    page = client.get("/settings/organization")
    assert page.status_code == 200
    assert "Save settings" not in text_of(page) and "<fieldset disabled>" in page.content.decode()
    assert "an Owner or Admin can change them" in text_of(page)
    response = client.post("/settings/organization", form_data(cast.org, organization_name="Hacked"))
    assert response.status_code == 403
    assert Organization.objects.get(pk=cast.org.pk).name == "Acme Analytics"


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/settings/organization")
    assert response.status_code == 302 and response["Location"].startswith("/sign-in?next=")


def test_the_default_role_cannot_be_owner(owner, cast):
    response = owner.post("/settings/organization", form_data(cast.org, default_role_id=directory.role("owner").id))
    assert response.status_code == 422 and 'id="id_default_role_id_error"' in response.content.decode()


def test_platform_down_on_save_keeps_what_was_typed(owner, cast):
    with faults(writes_fail):
        response = owner.post(
            "/settings/organization", form_data(cast.org, organization_name="Acme Data", invitation_expiry_hours="96")
        )
    assert response.status_code == 422
    assert_kept(response, {"organization_name": "Acme Data", "invitation_expiry_hours": "96"})
