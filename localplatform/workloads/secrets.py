"""Secrets (contract §3.17): write-only values, encrypted at rest, versioned, shared with teams.

A value is sealed with localplatform.crypto and only ever unsealed by `resolve`, when a session or notebook starts
and its runner needs the environment; no response, page or log carries it. Revoking fails every later lookup
closed until a new value is stored.
"""

import re

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.db.models.functions import Lower
from django.utils import timezone

from localplatform import crypto
from localplatform.errors import PlatformError, invalid, not_found
from localplatform.events import emit
from localplatform.identity.models import Team
from localplatform.identity.services.teams import linked_team_ids
from localplatform.workloads.models import Secret, SecretTeam, SecretVersion, WorkloadConfig

PURPOSE = "workload-secret"
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,254}$")
MAX_VALUE = 65536


class Revoked(Exception):
    """A secret the workload needs was revoked: the start fails closed, naming it."""

    def __init__(self, secret: Secret):
        self.secret = secret
        super().__init__(f'The secret "{secret.name}" is revoked: store a new value to use it again.')


# --- Finding -------------------------------------------------------------------------------------


def alive(organization):
    return Secret.objects.filter(organization=organization, deleted_at__isnull=True)


def get_secret(organization, secret_id: str) -> Secret:
    secret = alive(organization).filter(pk=secret_id).first()
    if secret is None:
        raise not_found("secret")
    return secret


def team_ids_of(secrets) -> dict[str, list[str]]:
    """secret id -> the ids of the teams it is shared with (by team name), one query."""
    return linked_team_ids(SecretTeam.objects.all(), "secret", [s.id for s in secrets])


def reference_counts(secrets) -> dict[str, int]:
    """secret id -> how many workload configs reference it (one query)."""
    counted = Secret.objects.filter(pk__in=[s.id for s in secrets]).annotate(n=Count("workload_configs"))
    return dict(counted.values_list("id", "n"))


def visible(organization, access):
    """Secrets shared with a team in which the member holds CanUseSecrets; org-level holders see all (§3.17.1)."""
    found = alive(organization)
    if access.has("CanUseSecrets") or (access.all_teams and "CanUseSecrets" in access.team_admin_relations):
        return found
    teams = [team for team, granted in access.team_relations.items() if "CanUseSecrets" in granted]
    return found.filter(pk__in=SecretTeam.objects.filter(team_id__in=teams).values("secret_id"))


def can(access, relation: str, secret: Secret, team_ids: list[str] | None = None) -> bool:
    """R@secret: an org role, or a team role in a team the secret is shared with."""
    return access.has_on(relation, team_ids if team_ids is not None else team_ids_of([secret])[secret.id])


# --- Changing ------------------------------------------------------------------------------------


def _teams(organization, team_ids: list[str]) -> list[Team]:
    if not team_ids:
        raise invalid({"teamIds": "Share the secret with at least one team."})
    if len(team_ids) > 50:
        raise invalid({"teamIds": "Share the secret with at most 50 teams."})
    found = {t.id: t for t in Team.objects.filter(organization=organization, id__in=set(team_ids))}
    missing = [i for i in team_ids if i not in found]
    if missing:
        raise invalid({"teamIds": f"Unknown team: {', '.join(missing)}."})
    return [found[i] for i in dict.fromkeys(team_ids)]


def require_manage_in(access, team_ids: list[str]) -> None:
    """CanManageSecrets@team(T) for every T (§3.17.2)."""
    if not all(access.has_in_team("CanManageSecrets", t) for t in team_ids):
        raise PlatformError("permission_denied", "You need to manage secrets in every team you share with.")


def _name(name: str) -> str:
    name = name.strip()
    if not NAME.match(name):
        raise invalid({"name": "Start with a letter; use letters, digits, '_', '.' and '-' (up to 255)."})
    return name


def _value(value: str) -> str:
    if not 1 <= len(value) <= MAX_VALUE:
        raise invalid({"value": f"Enter a value of 1 to {MAX_VALUE} characters."})
    return value


def _save(secret: Secret) -> None:
    try:
        with transaction.atomic():
            secret.save()
    except IntegrityError:
        raise PlatformError("already_exists", "A secret with this name already exists.") from None


def create_secret(organization, member, *, name, value, team_ids, description=None, metadata=None) -> Secret:
    """A managed secret at version 1, shared with `team_ids`."""
    name, value = _name(name), _value(value)
    teams = _teams(organization, team_ids)
    by = member.id if member else None
    secret = Secret(
        organization=organization,
        name=name,
        description=description or None,
        metadata=metadata or {},
        created_by=by,
        updated_by=by,
    )
    with transaction.atomic():
        _save(secret)
        SecretVersion.objects.create(
            secret=secret, version=1, sealed=crypto.seal(value, purpose=PURPOSE), created_by=by
        )
        SecretTeam.objects.bulk_create([SecretTeam(secret=secret, team=t) for t in teams])
    return secret


def update_secret(secret: Secret, member, *, name=None, description=None, metadata=None, team_ids=None,
                  fields: set[str]) -> Secret:  # fmt: skip
    """Metadata and the set of teams; removing a team whose configs reference the secret is refused (§3.17.5)."""
    if "name" in fields and name is not None:
        secret.name = _name(name)
    if "description" in fields:
        secret.description = description or None
    if "metadata" in fields and metadata is not None:
        secret.metadata = metadata
    with transaction.atomic():
        if "teamIds" in fields and team_ids is not None:
            teams = _teams(secret.organization, team_ids)
            kept = {t.id for t in teams}
            removed = [t for t in team_ids_of([secret])[secret.id] if t not in kept]
            holders = WorkloadConfig.objects.filter(secrets=secret, team_id__in=removed)
            if holders.exists():
                names = ", ".join(sorted(holders.values_list("name", flat=True)))
                raise PlatformError("in_use", f"Workload configs of a team you are removing use this secret: {names}.")
            SecretTeam.objects.filter(secret=secret).exclude(team_id__in=kept).delete()
            SecretTeam.objects.bulk_create([SecretTeam(secret=secret, team=t) for t in teams], ignore_conflicts=True)
        secret.updated_at, secret.updated_by = timezone.now(), member.id if member else None
        _save(secret)
    return secret


def replace_value(secret: Secret, member, value: str) -> Secret:
    """The next version; replacing also clears a revocation (§3.17.6)."""
    value = _value(value)
    by = member.id if member else None
    with transaction.atomic():
        secret = Secret.objects.select_for_update().get(pk=secret.pk)
        secret.current_version += 1
        SecretVersion.objects.create(
            secret=secret, version=secret.current_version, sealed=crypto.seal(value, purpose=PURPOSE), created_by=by
        )
        secret.revoked, secret.revoked_by, secret.revoked_at = False, None, None
        secret.updated_at, secret.updated_by = timezone.now(), by
        secret.save()
    return secret


def revoke(secret: Secret, member) -> Secret:
    if secret.revoked:
        raise PlatformError("invalid_state", "The secret is already revoked.")
    now, by = timezone.now(), member.id if member else None
    secret.revoked, secret.revoked_by, secret.revoked_at = True, by, now
    secret.updated_at, secret.updated_by = now, by
    with transaction.atomic():
        secret.save()
        emit(secret.organization_id, "secret.revoked", "secret", secret.id, secret.name,
             data={"secretId": secret.id, "revokedBy": by}, team_ids=team_ids_of([secret])[secret.id])  # fmt: skip
    return secret


def delete_secret(secret: Secret) -> None:
    """Soft delete; the name becomes free (§3.17.4)."""
    if WorkloadConfig.objects.filter(secrets=secret).exists():
        raise PlatformError("in_use", "Workload configs use this secret: remove it from their environment first.")
    secret.deleted_at = timezone.now()
    secret.save(update_fields=["deleted_at"])


# --- Using ---------------------------------------------------------------------------------------


def resolve(secret_ids: list[str]) -> dict[str, str]:
    """secret id -> its current value, for a runner's environment; Revoked when one may not be used."""
    found = {s.id: s for s in Secret.objects.filter(pk__in=secret_ids)}
    values = {}
    for secret_id in secret_ids:
        secret = found[secret_id]
        if secret.revoked or secret.deleted_at is not None:
            raise Revoked(secret)
        version = secret.versions.get(version=secret.current_version)
        values[secret_id] = crypto.unseal(version.sealed, purpose=PURPOSE)
    return values


def revoked_among(secret_ids) -> Secret | None:
    """The first revoked secret among these, if any (a 422 before a start)."""
    return (
        Secret.objects.filter(Q(revoked=True) | Q(deleted_at__isnull=False), pk__in=list(secret_ids))
        .order_by(Lower("name"))
        .first()
    )
