"""The OpenAPI document of /api/v1 is snapshotted in tests/contract/openapi.json, so contract changes show in review.

After an intended change, regenerate the snapshot and commit it:

    DEBUG=true .venv/bin/python manage.py openapi_snapshot
"""

import difflib
import json
from pathlib import Path

SNAPSHOT = Path(__file__).with_name("openapi.json")
REGENERATE = "DEBUG=true .venv/bin/python manage.py openapi_snapshot"

IMPLEMENTED = {
    ("post", "/auth/login"),
    ("post", "/auth/token/refresh"),
    ("post", "/auth/logout"),
    ("get", "/auth/permissions"),
    ("get", "/me"),
    ("get", "/org/roles"),
    ("get", "/org/roles/{role}"),
    ("get", "/org/team-roles"),
    ("get", "/org/team-roles/{role}"),
    ("get", "/org/settings"),
    ("patch", "/org/settings"),
    ("get", "/org/members"),
    ("get", "/org/teams"),
    # Teams (issue 5)
    ("post", "/org/teams"),
    ("get", "/org/teams/{team}"),
    ("patch", "/org/teams/{team}"),
    ("delete", "/org/teams/{team}"),
    ("get", "/org/teams/{team}/members"),
    ("put", "/org/teams/{team}/members/{member}"),
    ("delete", "/org/teams/{team}/members/{member}"),
    ("put", "/org/teams/{team}/members/{member}/roles"),
    ("get", "/me/teams"),
    # Identity providers and SSO (issue 11)
    ("get", "/auth/identity-provider-types"),
    ("get", "/auth/idps"),
    ("post", "/auth/idps"),
    ("post", "/auth/idps/auto-setup"),
    ("get", "/auth/idps/{idp}"),
    ("patch", "/auth/idps/{idp}"),
    ("delete", "/auth/idps/{idp}"),
    ("post", "/auth/idps/{idp}/rotate-secret"),
    ("post", "/auth/idps/{idp}/test"),
    ("get", "/auth/sso/start"),
    ("get", "/auth/sso/callback"),
    # User accounts (issue 11)
    ("get", "/users"),
    ("post", "/users"),
    ("get", "/users/{user}"),
    ("patch", "/users/{user}"),
    ("delete", "/users/{user}"),
    ("post", "/users/{user}/mfa/reset"),
    ("post", "/users/{user}/password/reset"),
    # Infrastructure (issue 12)
    ("get", "/operations/{operationId}"),
    ("get", "/infra/clusters"),
    ("delete", "/infra/clusters/{cluster}"),
    ("get", "/infra/clusters/{cluster}"),
    ("get", "/infra/clusters/{cluster}/teams"),
    ("post", "/infra/clusters/{cluster}/teams"),
    ("delete", "/infra/clusters/{cluster}/teams/{team}"),
    ("get", "/infra/connections"),
    ("post", "/infra/connections"),
    ("delete", "/infra/connections/{connection}"),
    ("get", "/infra/connections/{connection}"),
    ("patch", "/infra/connections/{connection}"),
    ("get", "/infra/connections/{connection}/clusters"),
    ("post", "/infra/connections/{connection}/clusters"),
    ("get", "/infra/connections/{connection}/clusters/{cluster}"),
    ("patch", "/infra/connections/{connection}/clusters/{cluster}"),
    ("post", "/infra/connections/{connection}/clusters/{cluster}/destroy"),
    ("get", "/infra/connections/{connection}/clusters/{cluster}/health"),
    ("get", "/infra/connections/{connection}/clusters/{cluster}/kubeconfig"),
    ("get", "/infra/connections/{connection}/clusters/{cluster}/metrics"),
    ("post", "/infra/connections/{connection}/clusters/{cluster}/provision"),
    ("get", "/infra/connections/{connection}/instance-types"),
    ("get", "/infra/connections/{connection}/networks"),
    ("post", "/infra/connections/{connection}/networks"),
    ("get", "/infra/connections/{connection}/networks/{network}"),
    ("patch", "/infra/connections/{connection}/networks/{network}"),
    ("post", "/infra/connections/{connection}/networks/{network}/destroy"),
    ("post", "/infra/connections/{connection}/networks/{network}/provision"),
    ("get", "/infra/connections/{connection}/provider-networks"),
    ("get", "/infra/connections/{connection}/regions"),
    ("get", "/infra/connections/{connection}/template"),
    ("get", "/infra/connections/{connection}/template/download"),
    ("post", "/infra/connections/{connection}/template/sync"),
    ("post", "/infra/connections/{connection}/verify"),
    ("get", "/infra/networks"),
    ("delete", "/infra/networks/{network}"),
    ("get", "/me/clusters"),
    ("get", "/me/clusters/{cluster}"),
    ("get", "/org/teams/{team}/clusters"),
    # Billing (issue 14)
    ("get", "/billing"),
    ("get", "/billing/{cloudAccountId}"),
    ("get", "/billing/{cloudAccountId}/{submissionId}"),
    ("get", "/billing/{cloudAccountId}/costs"),
    # Workloads (issue 13)
    ("get", "/workloads/secrets"),
    ("post", "/workloads/secrets"),
    ("get", "/workloads/secrets/{secret}"),
    ("delete", "/workloads/secrets/{secret}"),
    ("patch", "/workloads/secrets/{secret}"),
    ("put", "/workloads/secrets/{secret}/value"),
    ("post", "/workloads/secrets/{secret}/revoke"),
    ("get", "/workloads/configs"),
    ("post", "/workloads/configs"),
    ("get", "/workloads/configs/{config}"),
    ("patch", "/workloads/configs/{config}"),
    ("delete", "/workloads/configs/{config}"),
    ("get", "/workloads/sessions"),
    ("post", "/workloads/sessions"),
    ("get", "/workloads/sessions/{session}"),
    ("delete", "/workloads/sessions/{session}"),
    ("post", "/workloads/sessions/{session}/token"),
    ("post", "/workloads/sessions/{session}/relaunch"),
    ("get", "/workloads/notebooks"),
    ("post", "/workloads/notebooks"),
    ("get", "/workloads/notebooks/{notebook}"),
    ("delete", "/workloads/notebooks/{notebook}"),
    ("patch", "/workloads/notebooks/{notebook}"),
    ("post", "/workloads/notebooks/{notebook}/start"),
    ("post", "/workloads/notebooks/{notebook}/stop"),
    ("post", "/workloads/notebooks/{notebook}/open"),
    ("post", "/workloads/notebooks/{notebook}/activity"),
    ("get", "/workloads/notebooks/{notebook}/teams"),
    ("post", "/workloads/notebooks/{notebook}/teams"),
    ("delete", "/workloads/notebooks/{notebook}/teams/{team}"),
    ("get", "/org/teams/{team}/notebooks"),
}


def render(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_live_document_matches_the_snapshot(api):
    response = api.get("/openapi.json")
    assert response.status_code == 200
    live = render(response.json())
    snapshot = SNAPSHOT.read_text() if SNAPSHOT.exists() else ""
    if live != snapshot:
        diff = difflib.unified_diff(
            snapshot.splitlines(), live.splitlines(), "snapshot (tests/contract/openapi.json)", "live", lineterm="", n=2
        )
        shown = "\n".join(list(diff)[:80])
        raise AssertionError(
            f"The OpenAPI document differs from the snapshot. If the change is intended, run\n\n    {REGENERATE}\n\n"
            f"and commit tests/contract/openapi.json. First lines of the diff:\n{shown}"
        )


def test_every_operation_is_documented():
    document = json.loads(SNAPSHOT.read_text())
    operations = {
        (method, path): operation
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) >= IMPLEMENTED
    ids = [operation["operationId"] for operation in operations.values()]
    assert len(ids) == len(set(ids))
    for (method, path), operation in operations.items():
        where = f"{method.upper()} {path}"
        assert operation.get("summary") and operation.get("description"), f"{where} needs a summary and a docstring"
        assert "\n" not in operation["description"].strip(), f"{where}: one docstring line"
        assert operation.get("tags"), f"{where} needs a tag"


def test_paths_are_relative_to_the_server():
    document = json.loads(SNAPSHOT.read_text())
    assert document["servers"] == [{"url": "/api/v1"}]
    assert all(path.startswith("/") and not path.startswith("/api/") for path in document["paths"])


# The naming scheme (README "Adding an API area"): the view function's name is the operationId, with one verb
# per kind of operation (list_, describe_, create_, update_, delete_, else the contract's own verb).
OPERATION_IDS = {
    ("post", "/auth/email/verify"): "verify_email",
    ("post", "/auth/email/verify/resend"): "resend_verification_email",
    ("post", "/auth/login"): "login",
    ("post", "/auth/login/code"): "request_login_code",
    ("post", "/auth/login/code/verify"): "verify_login_code",
    ("post", "/auth/login/mfa"): "complete_mfa_login",
    ("post", "/auth/logout"): "logout",
    ("post", "/auth/password/forgot"): "forgot_password",
    ("post", "/auth/password/reset"): "reset_password",
    ("get", "/auth/permissions"): "list_permissions",
    ("post", "/auth/signup"): "sign_up",
    ("post", "/auth/token/refresh"): "refresh_tokens",
    ("get", "/invitations/{token}"): "describe_invitation",
    ("post", "/invitations/{token}/accept"): "accept_invitation",
    ("get", "/org/invitations"): "list_invitations",
    ("post", "/org/invitations"): "create_invitation",
    ("delete", "/org/invitations/{invitation}"): "cancel_invitation",
    ("post", "/org/invitations/{invitation}/resend"): "resend_invitation",
    ("get", "/me"): "describe_me",
    ("patch", "/me"): "update_me",
    ("get", "/me/emails"): "list_emails",
    ("post", "/me/emails"): "add_email",
    ("delete", "/me/emails/{emailId}"): "remove_email",
    ("get", "/me/logins"): "list_logins",
    ("delete", "/me/logins/{loginId}"): "revoke_login",
    ("post", "/me/password"): "change_password",
    ("get", "/me/teams"): "list_my_teams",
    ("get", "/me/trusted-devices"): "list_trusted_devices",
    ("delete", "/me/trusted-devices/{trustedDeviceId}"): "revoke_trusted_device",
    ("get", "/me/mfa"): "describe_mfa",
    ("post", "/me/mfa/recovery-codes"): "regenerate_recovery_codes",
    ("post", "/me/mfa/reset"): "reset_mfa",
    ("post", "/me/mfa/totp"): "start_totp",
    ("post", "/me/mfa/totp/confirm"): "confirm_totp",
    ("get", "/org/members"): "list_members",
    ("get", "/org/members/{member}"): "describe_member",
    ("patch", "/org/members/{member}"): "update_member",
    ("delete", "/org/members/{member}"): "remove_member",
    ("put", "/org/members/{member}/roles"): "replace_member_roles",
    ("get", "/org/roles"): "list_roles",
    ("get", "/org/roles/{role}"): "describe_role",
    ("get", "/org/team-roles"): "list_team_roles",
    ("get", "/org/team-roles/{role}"): "describe_team_role",
    ("get", "/org/settings"): "describe_settings",
    ("patch", "/org/settings"): "update_settings",
    ("get", "/org/teams"): "list_teams",
    ("post", "/org/teams"): "create_team",
    ("get", "/org/teams/{team}"): "describe_team",
    ("patch", "/org/teams/{team}"): "update_team",
    ("delete", "/org/teams/{team}"): "delete_team",
    ("get", "/org/teams/{team}/members"): "list_team_members",
    ("put", "/org/teams/{team}/members/{member}"): "add_team_member",
    ("delete", "/org/teams/{team}/members/{member}"): "remove_team_member",
    ("put", "/org/teams/{team}/members/{member}/roles"): "replace_team_member_roles",
    ("get", "/users"): "list_users",
    ("post", "/users"): "create_user",
    ("get", "/users/{user}"): "describe_user",
    ("patch", "/users/{user}"): "update_user",
    ("delete", "/users/{user}"): "delete_user",
    ("post", "/users/{user}/mfa/reset"): "reset_user_mfa",
    ("post", "/users/{user}/password/reset"): "reset_user_password",
    ("get", "/operations/{operationId}"): "describe_operation",
    ("get", "/infra/clusters"): "list_clusters",
    ("delete", "/infra/clusters/{cluster}"): "delete_cluster",
    ("get", "/infra/clusters/{cluster}"): "describe_cluster",
    ("get", "/infra/clusters/{cluster}/teams"): "list_cluster_teams",
    ("post", "/infra/clusters/{cluster}/teams"): "add_cluster_teams",
    ("delete", "/infra/clusters/{cluster}/teams/{team}"): "remove_cluster_team",
    ("get", "/infra/connections"): "list_connections",
    ("post", "/infra/connections"): "create_connection",
    ("delete", "/infra/connections/{connection}"): "delete_connection",
    ("get", "/infra/connections/{connection}"): "describe_connection",
    ("patch", "/infra/connections/{connection}"): "update_connection",
    ("get", "/infra/connections/{connection}/clusters"): "list_connection_clusters",
    ("post", "/infra/connections/{connection}/clusters"): "create_cluster",
    ("get", "/infra/connections/{connection}/clusters/{cluster}"): "describe_connection_cluster",
    ("patch", "/infra/connections/{connection}/clusters/{cluster}"): "update_cluster",
    ("post", "/infra/connections/{connection}/clusters/{cluster}/destroy"): "destroy_cluster",
    ("get", "/infra/connections/{connection}/clusters/{cluster}/health"): "describe_cluster_health",
    ("get", "/infra/connections/{connection}/clusters/{cluster}/kubeconfig"): "describe_cluster_kubeconfig",
    ("get", "/infra/connections/{connection}/clusters/{cluster}/metrics"): "describe_cluster_metrics",
    ("post", "/infra/connections/{connection}/clusters/{cluster}/provision"): "provision_cluster",
    ("get", "/infra/connections/{connection}/instance-types"): "list_instance_types",
    ("get", "/infra/connections/{connection}/networks"): "list_connection_networks",
    ("post", "/infra/connections/{connection}/networks"): "create_network",
    ("get", "/infra/connections/{connection}/networks/{network}"): "describe_network",
    ("patch", "/infra/connections/{connection}/networks/{network}"): "update_network",
    ("post", "/infra/connections/{connection}/networks/{network}/destroy"): "destroy_network",
    ("post", "/infra/connections/{connection}/networks/{network}/provision"): "provision_network",
    ("get", "/infra/connections/{connection}/provider-networks"): "list_provider_networks",
    ("get", "/infra/connections/{connection}/regions"): "list_regions",
    ("get", "/infra/connections/{connection}/template"): "describe_connection_template",
    ("get", "/infra/connections/{connection}/template/download"): "download_connection_template",
    ("post", "/infra/connections/{connection}/template/sync"): "sync_connection_template",
    ("post", "/infra/connections/{connection}/verify"): "verify_connection",
    ("get", "/infra/networks"): "list_networks",
    ("delete", "/infra/networks/{network}"): "delete_network",
    ("get", "/me/clusters"): "list_my_clusters",
    ("get", "/me/clusters/{cluster}"): "describe_my_cluster",
    ("get", "/org/teams/{team}/clusters"): "list_team_clusters",
    ("get", "/workloads/secrets"): "list_secrets",
    ("post", "/workloads/secrets"): "create_secret",
    ("get", "/workloads/secrets/{secret}"): "describe_secret",
    ("delete", "/workloads/secrets/{secret}"): "delete_secret",
    ("patch", "/workloads/secrets/{secret}"): "update_secret",
    ("put", "/workloads/secrets/{secret}/value"): "replace_secret_value",
    ("post", "/workloads/secrets/{secret}/revoke"): "revoke_secret",
    ("get", "/workloads/configs"): "list_workload_configs",
    ("post", "/workloads/configs"): "create_workload_config",
    ("get", "/workloads/configs/{config}"): "describe_workload_config",
    ("patch", "/workloads/configs/{config}"): "update_workload_config",
    ("delete", "/workloads/configs/{config}"): "delete_workload_config",
    ("get", "/workloads/sessions"): "list_sessions",
    ("post", "/workloads/sessions"): "create_session",
    ("get", "/workloads/sessions/{session}"): "describe_session",
    ("delete", "/workloads/sessions/{session}"): "close_session",
    ("post", "/workloads/sessions/{session}/token"): "issue_session_token",
    ("post", "/workloads/sessions/{session}/relaunch"): "relaunch_session",
    ("get", "/workloads/notebooks"): "list_notebooks",
    ("post", "/workloads/notebooks"): "create_notebook",
    ("get", "/workloads/notebooks/{notebook}"): "describe_notebook",
    ("delete", "/workloads/notebooks/{notebook}"): "delete_notebook",
    ("patch", "/workloads/notebooks/{notebook}"): "update_notebook",
    ("post", "/workloads/notebooks/{notebook}/start"): "start_notebook",
    ("post", "/workloads/notebooks/{notebook}/stop"): "stop_notebook",
    ("post", "/workloads/notebooks/{notebook}/open"): "open_notebook",
    ("post", "/workloads/notebooks/{notebook}/activity"): "record_notebook_activity",
    ("get", "/workloads/notebooks/{notebook}/teams"): "list_notebook_teams",
    ("post", "/workloads/notebooks/{notebook}/teams"): "add_notebook_teams",
    ("delete", "/workloads/notebooks/{notebook}/teams/{team}"): "remove_notebook_team",
    ("get", "/org/teams/{team}/notebooks"): "list_team_notebooks",
    ("get", "/billing"): "list_billable_accounts",
    ("get", "/billing/{cloudAccountId}"): "list_submission_windows",
    ("get", "/billing/{cloudAccountId}/{submissionId}"): "describe_submission_composition",
    ("get", "/billing/{cloudAccountId}/costs"): "summarize_costs",
}


def test_operation_ids_follow_the_naming_scheme():
    document = json.loads(SNAPSHOT.read_text())
    found = {
        (method, path): document["paths"][path][method]["operationId"]
        for method, path in OPERATION_IDS
        if method in document["paths"].get(path, {})
    }
    assert found == OPERATION_IDS
