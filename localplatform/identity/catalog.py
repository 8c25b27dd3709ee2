"""The fixed catalogue of permissions, bundles and roles (contract §1.13).

The data migration copies it into the database; code reads the database (ids are per install).
"""

from dataclasses import dataclass

ORG = "organization"
TEAM = "team"
WORKLOAD_TYPES = {
    "Catalogs": "catalog",
    "Queries": "query",
    "Jobs": "job",
    "Notebooks": "notebook",
    "Sessions": "session",
    "WorkloadConfigs": "workload_config",
}

# relation -> (description, validObjectTypes, systemOnly)
PERMISSIONS: dict[str, tuple[str, list[str], bool]] = {
    "CanViewOrganization": (
        "View the organization, member directory, roles, teams and settings",
        [ORG],
        False,
    ),
    "CanManageOrganization": ("Change organization settings", [ORG], False),
    "CanManageUsers": ("Manage user resources", [ORG, TEAM], False),
    "CanAssignRoles": ("Replace a member's organization roles", [ORG], False),
    "CanManageTeams": ("Create, edit and delete teams", [ORG, TEAM], False),
    "CanManageIdentityProviders": ("Manage SSO identity providers", [ORG], False),
    "CanViewBilling": ("View billing", [ORG], False),
    "CanViewInfrastructure": (
        "View connections, networks and provisioned clusters",
        [ORG, "connection", "network", "cluster"],
        False,
    ),
    "CanManageInfrastructure": (
        "Create, provision and destroy infrastructure",
        [ORG, "connection", "network", "cluster"],
        False,
    ),
    "CanUseClusters": ("Run workloads on clusters", [ORG, TEAM, "cluster"], False),
    "CanViewCatalogs": ("View catalogs", [ORG, TEAM, "catalog"], False),
    "CanManageCatalogs": ("Create, update, disconnect and share catalogs", [ORG, TEAM, "catalog"], False),
    "CanViewQueries": ("View queries", [ORG, TEAM, "query"], False),
    "CanManageQueries": ("Create, update, delete and share queries", [ORG, TEAM, "query"], False),
    "CanViewJobs": ("View jobs, versions, drafts and runs", [ORG, TEAM, "job"], False),
    "CanManageJobs": ("Create, update, delete and share jobs", [ORG, TEAM, "job"], False),
    "CanRunJobs": ("Create, release, retry and cancel job runs", [ORG, TEAM, "job"], False),
    "CanViewNotebooks": ("View notebooks and open them read-only", [ORG, TEAM, "notebook"], False),
    "CanManageNotebooks": ("Create, start, stop, share and edit notebooks", [ORG, TEAM, "notebook"], False),
    "CanViewSessions": ("View other members' sessions", [ORG, TEAM, "session"], False),
    "CanCreateSessions": ("Create sessions with a team's workload configs", [ORG, TEAM], False),
    "CanManageSessions": ("Close other members' sessions", [ORG, TEAM, "session"], False),
    "CanViewWorkloadConfigs": ("View workload configs", [ORG, TEAM, "workload_config"], False),
    "CanManageWorkloadConfigs": (
        "Create, update and delete workload configs",
        [ORG, TEAM, "workload_config"],
        False,
    ),
    "CanUseSecrets": ("Read secret metadata and reference secrets", [ORG, TEAM, "secret"], False),
    "CanManageSecrets": ("Create, update, revoke and delete secrets", [ORG, TEAM, "secret"], False),
    "CanViewNotifications": ("View notification channels, rules and deliveries", [ORG, TEAM], False),
    "CanManageNotifications": ("Manage notification channels and rules", [ORG, TEAM], False),
    "CanSubmitMetering": ("Submit metering records (platform pipeline only)", [ORG], True),
}

TEAM_VIEW = [
    "CanViewCatalogs",
    "CanViewQueries",
    "CanViewJobs",
    "CanViewNotebooks",
    "CanViewSessions",
    "CanViewWorkloadConfigs",
    "CanUseSecrets",
    "CanViewNotifications",
]
TEAM_AUTHOR = [
    "CanUseClusters",
    "CanManageQueries",
    "CanManageJobs",
    "CanRunJobs",
    "CanManageNotebooks",
    "CanCreateSessions",
    "CanManageWorkloadConfigs",
]
TEAM_ADMIN = [
    "CanManageCatalogs",
    "CanManageSecrets",
    "CanManageSessions",
    "CanManageNotifications",
    "CanManageUsers",
    "CanManageTeams",
]
IDENTITY_ADMIN = ["CanManageUsers", "CanAssignRoles", "CanManageTeams", "CanManageIdentityProviders"]
EVERYTHING_WORKLOAD = (
    TEAM_VIEW + TEAM_AUTHOR + ["CanManageCatalogs", "CanManageSecrets", "CanManageSessions", "CanManageNotifications"]
)


@dataclass(frozen=True)
class RoleSpec:
    key: str
    scope: str
    name: str
    description: str
    relations: list[str]
    all_teams: bool = False
    break_glass: bool = False


ADMIN_RELATIONS = [
    "CanViewOrganization",
    *IDENTITY_ADMIN,
    "CanViewBilling",
    "CanViewInfrastructure",
    "CanManageInfrastructure",
    *EVERYTHING_WORKLOAD,
]

ROLES: list[RoleSpec] = [
    RoleSpec(
        "owner",
        ORG,
        "Owner",
        "Full control of the organization, including its settings and Owners.",
        ["CanManageOrganization", *ADMIN_RELATIONS],
        all_teams=True,
        break_glass=True,
    ),
    RoleSpec(
        "admin",
        ORG,
        "Admin",
        "Manages members, teams, identity providers, infrastructure and workloads.",
        ADMIN_RELATIONS,
        all_teams=True,
    ),
    RoleSpec(
        "billing_viewer",
        ORG,
        "Billing Viewer",
        "Reads billing and infrastructure.",
        ["CanViewOrganization", "CanViewBilling", "CanViewInfrastructure"],
    ),
    RoleSpec(
        "auditor",
        ORG,
        "Auditor",
        "Reads everything in the organization, changes nothing.",
        ["CanViewOrganization", "CanViewBilling", "CanViewInfrastructure", *TEAM_VIEW],
    ),
    RoleSpec(
        "member",
        ORG,
        "Member",
        "Belongs to the organization; gets access through teams.",
        ["CanViewOrganization"],
    ),
    RoleSpec(
        "team_admin",
        TEAM,
        "Team Admin",
        "Runs the team: its members, resources and notifications.",
        TEAM_VIEW + TEAM_AUTHOR + TEAM_ADMIN,
    ),
    RoleSpec(
        "contributor",
        TEAM,
        "Contributor",
        "Builds and runs the team's queries, jobs and notebooks.",
        TEAM_VIEW + TEAM_AUTHOR,
    ),
    RoleSpec("viewer", TEAM, "Viewer", "Reads the team's resources.", TEAM_VIEW),
]

# key -> (name, description, relations)
BUNDLES: dict[str, tuple[str, str, list[str]]] = {
    "directory-read": ("Directory read", "See the organization and its directory.", ["CanViewOrganization"]),
    "identity-admin": ("Identity administration", "Manage members, roles, teams and SSO.", IDENTITY_ADMIN),
    "org-settings": ("Organization settings", "Change organization settings.", ["CanManageOrganization"]),
    "billing-read": ("Billing read", "See billing.", ["CanViewBilling"]),
    "infrastructure-read": ("Infrastructure read", "See cloud infrastructure.", ["CanViewInfrastructure"]),
    "infrastructure-admin": (
        "Infrastructure administration",
        "Provision and run cloud infrastructure.",
        ["CanViewInfrastructure", "CanManageInfrastructure", "CanUseClusters"],
    ),
    "workloads-read": ("Workloads read", "See catalogs, queries, jobs, notebooks and sessions.", TEAM_VIEW),
    "workloads-author": ("Workloads author", "Build and run queries, jobs and notebooks.", TEAM_AUTHOR),
    "workloads-admin": (
        "Workloads administration",
        "Manage catalogs, secrets, sessions, notifications and team membership.",
        TEAM_ADMIN,
    ),
}


def load(apps) -> None:
    """Write the catalogue into the database (idempotent): used by the data migration, and by tests after a flush."""
    Permission = apps.get_model("identity", "Permission")
    PermissionBundle = apps.get_model("identity", "PermissionBundle")
    Role = apps.get_model("identity", "Role")
    for relation, (description, object_types, system_only) in PERMISSIONS.items():
        Permission.objects.update_or_create(
            relation=relation,
            defaults={"description": description, "valid_object_types": object_types, "system_only": system_only},
        )
    for position, (key, (name, description, relations)) in enumerate(BUNDLES.items()):
        bundle, _ = PermissionBundle.objects.update_or_create(
            key=key, defaults={"name": name, "description": description, "position": position}
        )
        bundle.permissions.set(relations)
    for position, spec in enumerate(ROLES):
        role, _ = Role.objects.update_or_create(
            key=spec.key,
            defaults={
                "scope": spec.scope,
                "name": spec.name,
                "description": spec.description,
                "all_teams": spec.all_teams,
                "break_glass": spec.break_glass,
                "position": position,
            },
        )
        role.permissions.set(spec.relations)
