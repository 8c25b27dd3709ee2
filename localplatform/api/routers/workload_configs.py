"""The workload-configs operations (contract §3.20): the compute profiles sessions and notebooks run with."""

from ninja import Query, Router, Status

from localplatform.api.auth import BearerAuth
from localplatform.api.pagination import decode_marker, encode_marker, marker_filters
from localplatform.api.shapes import workload_configs as shapes
from localplatform.api.shapes.common import Id, errors
from localplatform.api.shapes.workloads import WorkloadConfig, config_data
from localplatform.errors import PlatformError, invalid, not_found
from localplatform.workloads import configs
from localplatform.workloads.models import WorkloadConfig as ConfigRecord

router = Router(tags=["workload-configs"], auth=BearerAuth())


def config_for(request, config: Id, relation: str = configs.VIEW) -> ConfigRecord:
    """404 unless the caller may view the config (anonymous ones included), 403 without `relation`."""
    actor = request.auth
    record = configs.get_config(actor.organization, config)
    if not actor.access.has_in_team(configs.VIEW, record.team_id):
        raise not_found("workload config")
    if not actor.access.has_in_team(relation, record.team_id):
        raise PlatformError("permission_denied")
    return record


@router.get(
    "/workloads/configs",
    response={200: shapes.ConfigPage, **errors(400, 401, 403)},
    exclude_unset=True,  # `marker` is absent on the last page (§1.8)
    summary="List workload configs",
)
def list_workload_configs(request, query: Query[shapes.ConfigQuery]):
    """Lists the named compute profiles the caller can see, by name."""
    actor = request.auth
    found = configs.visible(actor.organization, actor.access)
    if query.teamId:
        found = configs.for_team(found, query.teamId)
    position = decode_marker(query.marker, marker_filters(query)) if query.marker else None
    rows = list(configs.by_name(configs.after(found, position))[: query.limit + 1]) if query.limit else []
    body: dict = {"items": [config_data(c) for c in rows[: query.limit]]}
    if len(rows) > query.limit:
        last = rows[query.limit - 1]
        body["marker"] = encode_marker([last.name.lower(), last.id], marker_filters(query))
    return body


@router.post(
    "/workloads/configs",
    response={201: WorkloadConfig, **errors(400, 401, 403, 409, 422)},
    summary="Create a workload config",
)
def create_workload_config(request, body: shapes.ConfigCreate):
    """Creates a named compute profile for one cluster, owned by one team."""
    actor = request.auth
    if body.workloadType != "sail":
        raise invalid({"workloadType": 'The only workload type is "sail".'})
    record = configs.create_config(
        actor.organization, actor.access, name=body.name, team_id=body.teamId, cluster_id=body.clusterId,
        sail=body.config.sail.model_dump(), description=body.description,
    )  # fmt: skip
    return Status(201, config_data(record))


@router.get(
    "/workloads/configs/{config}",
    response={200: WorkloadConfig, **errors(400, 401, 403, 404)},
    summary="Describe a workload config",
)
def describe_workload_config(request, config: Id):
    """Shows one compute profile in full, anonymous ones included."""
    return config_data(config_for(request, config))


@router.patch(
    "/workloads/configs/{config}",
    response={200: WorkloadConfig, **errors(400, 401, 403, 404, 409, 422)},
    summary="Update a workload config",
)
def update_workload_config(request, config: Id, body: shapes.ConfigUpdate):
    """Edits a profile; the change applies to the next start that uses it."""
    fixed = {"workloadType", "clusterId", "teamId"} & body.model_fields_set
    if fixed:
        raise invalid({field: "This cannot change after creation." for field in sorted(fixed)})
    record = config_for(request, config, configs.MANAGE)
    sail = body.config.sail.model_dump() if body.config is not None else None
    configs.update_config(
        record, request.auth.access, fields=body.model_fields_set, name=body.name, description=body.description,
        sail=sail,
    )  # fmt: skip
    return config_data(record)


@router.delete(
    "/workloads/configs/{config}",
    response={204: None, **errors(400, 401, 403, 404, 409)},
    summary="Delete a workload config",
)
def delete_workload_config(request, config: Id):
    """Deletes a profile no notebook, job or open session uses."""
    configs.delete_config(config_for(request, config, configs.MANAGE))
    return Status(204, None)
