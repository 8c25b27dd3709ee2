"""The secrets operations (contract §3.17): metadata only; a value goes in and never comes out."""

from django.db.models.functions import Lower
from ninja import Query, Router, Status

from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import PageQuery
from localplatform.api.shapes import secrets as shapes
from localplatform.api.shapes.common import Id, errors, team_summaries
from localplatform.api.shapes.workloads import secret_data
from localplatform.errors import PlatformError, not_found
from localplatform.paging import page_of
from localplatform.workloads import secrets
from localplatform.workloads.models import Secret

router = Router(tags=["secrets"], auth=BearerAuth())


def secret_for(request, secret: Id, relation: str = "CanUseSecrets") -> Secret:
    """404 unless the caller may use the secret, 403 without `relation`."""
    actor = request.auth
    record = secrets.get_secret(actor.organization, secret)
    team_ids = secrets.team_ids_of([record])[record.id]
    if not secrets.can(actor.access, "CanUseSecrets", record, team_ids):
        raise not_found("secret")
    if not secrets.can(actor.access, relation, record, team_ids):
        raise PlatformError("permission_denied")
    return record


def secret_detail(secret: Secret) -> dict:
    team_ids = secrets.team_ids_of([secret])[secret.id]
    references = secrets.reference_counts([secret]).get(secret.id, 0)
    return {
        "secret": secret_data(secret, references),
        "teamIds": team_ids,
        "included": {"teams": team_summaries(team_ids)},
    }


@router.get(
    "/workloads/secrets",
    response={200: shapes.SecretPage, **errors(400, 401, 403)},
    summary="List secrets",
)
def list_secrets(request, query: Query[PageQuery]):
    """Lists the secrets shared with the caller's teams (all of them at org level), by name."""
    actor = request.auth
    order = Lower("name").desc() if query.sortDirection == "desc" else Lower("name")
    total, rows = page_of(
        secrets.visible(actor.organization, actor.access).order_by(order, "id"), query.page, query.limit
    )
    links, counts = secrets.team_ids_of(rows), secrets.reference_counts(rows)
    return {
        "total": total,
        "items": [{"secretId": s.id, "teamIds": links[s.id]} for s in rows],
        "included": {
            "secrets": [secret_data(s, counts.get(s.id, 0)) for s in rows],
            "teams": team_summaries({t for ids in links.values() for t in ids}),
        },
    }


@router.post(
    "/workloads/secrets",
    response={201: shapes.SecretDetail, **errors(400, 401, 403, 409, 422)},
    summary="Create a secret",
)
def create_secret(request, body: shapes.SecretCreate):
    """Stores an encrypted value and shares it with teams; the value is never returned."""
    actor = request.auth
    secrets.require_manage_in(actor.access, body.teamIds)
    record = secrets.create_secret(
        actor.organization, actor.member, name=body.name, value=body.value, team_ids=body.teamIds,
        description=body.description, metadata=body.metadata,
    )  # fmt: skip
    return Status(201, secret_detail(record))


@router.get(
    "/workloads/secrets/{secret}",
    response={200: shapes.SecretDetail, **errors(400, 401, 403, 404)},
    summary="Describe a secret",
)
def describe_secret(request, secret: Id):
    """Shows a secret's metadata and teams; never its value."""
    return secret_detail(secret_for(request, secret))


@router.delete(
    "/workloads/secrets/{secret}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Delete a secret",
)
def delete_secret(request, secret: Id):
    """Soft-deletes a secret no workload config references; its name becomes free."""
    secrets.delete_secret(secret_for(request, secret, "CanManageSecrets"))
    return Status(204, None)


@router.patch(
    "/workloads/secrets/{secret}",
    response={200: shapes.SecretDetail, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a secret",
)
def update_secret(request, secret: Id, body: shapes.SecretUpdate):
    """Edits a secret's name, description, metadata and the set of teams it is shared with."""
    actor = request.auth
    record = secret_for(request, secret, "CanManageSecrets")
    if body.teamIds is not None:
        secrets.require_manage_in(actor.access, body.teamIds)
    secrets.update_secret(
        record, actor.member, name=body.name, description=body.description, metadata=body.metadata,
        team_ids=body.teamIds, fields=body.model_fields_set,
    )  # fmt: skip
    return secret_detail(record)


@router.put(
    "/workloads/secrets/{secret}/value",
    response={200: shapes.SecretDetail, **errors(400, 401, 403, 404, 422)},
    summary="Replace a secret value",
)
def replace_secret_value(request, secret: Id, body: shapes.SecretValue):
    """Stores a new value as the next version, which also clears a revocation."""
    record = secret_for(request, secret, "CanManageSecrets")
    return secret_detail(secrets.replace_value(record, request.auth.member, body.value))


@router.post(
    "/workloads/secrets/{secret}/revoke",
    response={200: shapes.SecretDetail, **errors(400, 401, 403, 404, 409)},
    summary="Revoke a secret",
)
def revoke_secret(request, secret: Id):
    """Revokes the current version: every later use fails closed until a new value is stored."""
    record = secret_for(request, secret, "CanManageSecrets")
    return secret_detail(secrets.revoke(record, request.auth.member))
