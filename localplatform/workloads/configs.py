"""Workload configs, the console's compute profiles (contract §3.20): a SailConfig for one cluster and one team.

Named configs are reusable; an anonymous one is made for a session created with an inline config and never listed.
Changes apply to the next session, run or notebook start (a runner reads the config when it starts).
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from localplatform.errors import PlatformError, invalid, not_found
from localplatform.infra import aws
from localplatform.infra import clusters as cluster_service
from localplatform.infra.models import Cluster, ClusterTeam
from localplatform.workloads import secrets
from localplatform.workloads.models import Notebook, Secret, Session, WorkloadConfig

VIEW, MANAGE = "CanViewWorkloadConfigs", "CanManageWorkloadConfigs"
INSTANCE_TYPES = {t["instanceType"]: t for t in aws.INSTANCE_TYPES}


def get_config(organization, config_id: str) -> WorkloadConfig:
    config = WorkloadConfig.objects.filter(organization=organization, pk=config_id).select_related("team").first()
    if config is None:
        raise not_found("workload config")
    return config


def visible(organization, access, *, named: bool = True):
    """Configs owned by a team in which the member holds CanViewWorkloadConfigs (all of them at org level)."""
    found = WorkloadConfig.objects.filter(organization=organization)
    if named:
        found = found.filter(anonymous=False)
    if access.has(VIEW) or (access.all_teams and VIEW in access.team_admin_relations):
        return found
    return found.filter(team_id__in=[t for t, granted in access.team_relations.items() if VIEW in granted])


def for_team(found, team_id: str):
    """Keeps the configs whose cluster is linked to the team (§3.20.1 teamId)."""
    return found.filter(cluster__in=ClusterTeam.objects.filter(team_id=team_id).values("cluster_id"))


def check(organization, access, sail: dict, team_id: str, cluster: Cluster) -> list[str]:
    """The rules of §2.6 and §3.20.2 that a schema cannot say; returns the referenced secret ids."""
    errors: dict[str, str] = {}
    worker = sail["compute"].get("worker")
    if sail["executionMode"] == "cluster" and worker is None:
        errors["config.sail.compute.worker"] = "Cluster mode needs a worker group."
    if sail["executionMode"] == "standalone" and worker is not None:
        errors["config.sail.compute.worker"] = "Standalone mode runs on the driver alone: remove the worker group."
    for part in ("driver", "worker"):
        chosen = (sail["compute"].get(part) or {}).get("instanceType")
        if chosen and chosen not in INSTANCE_TYPES:
            errors[f"config.sail.compute.{part}.instanceType"] = f"Unknown instance type: {chosen}."
    names: set[str] = set()
    secret_ids: list[str] = []
    for index, var in enumerate(sail["environment"]):
        at = f"config.sail.environment[{index}]"
        if var["name"] in names:
            errors[f"{at}.name"] = "Another variable has this name."
        names.add(var["name"])
        if var["source"] == "literal" and (var.get("value") is None or var.get("secretId")):
            errors[f"{at}.value"] = "A literal variable has a value and no secret."
        if var["source"] == "secret":
            if not var.get("secretId") or var.get("value") is not None:
                errors[f"{at}.secretId"] = "A secret variable names a secret and has no value."
            else:
                secret_ids.append(var["secretId"])
    if sail["catalogIds"] or sail["defaultCatalogId"]:
        errors["config.sail.catalogIds"] = "Catalogs are not available on this platform yet."
    if secret_ids:
        found = {s.id: s for s in secrets.alive(organization).filter(pk__in=secret_ids)}
        links = secrets.team_ids_of(found.values())
        for index, var in enumerate(sail["environment"]):
            secret = found.get(var.get("secretId") or "")
            at = f"config.sail.environment[{index}].secretId"
            if var["source"] != "secret" or at in errors:
                continue
            if secret is None or not secrets.can(access, "CanUseSecrets", secret, links[secret.id]):
                errors[at] = "Unknown secret."
            elif team_id not in links[secret.id]:
                errors[at] = f'The secret "{secret.name}" is not shared with the config\'s team.'
    if not ClusterTeam.objects.filter(cluster=cluster, team_id=team_id).exists():
        errors["clusterId"] = "The cluster is not linked to this team."
    if errors:
        raise invalid(errors)
    return list(dict.fromkeys(secret_ids))


def _save(config: WorkloadConfig, secret_ids: list[str]) -> WorkloadConfig:
    try:
        with transaction.atomic():
            config.save()
            config.secrets.set(Secret.objects.filter(pk__in=secret_ids))
    except IntegrityError:
        raise PlatformError("already_exists", "A workload config with this name already exists.") from None
    return config


def usable_cluster(organization, access, cluster_id: str) -> Cluster:
    """A cluster the member may run workloads on (CanUseClusters@cluster), else 422 at clusterId."""
    cluster = Cluster.objects.filter(organization=organization, pk=cluster_id).first()
    if cluster is None or not cluster_service.can(access, "CanUseClusters", cluster):
        raise invalid({"clusterId": "Unknown cluster, or one you may not use."})
    return cluster


def create_config(organization, access, *, name, team_id, cluster_id, sail: dict, description=None,
                  anonymous: bool = False) -> WorkloadConfig:  # fmt: skip
    member = access.member
    if not access.has_in_team(MANAGE, team_id):
        raise PlatformError("permission_denied", "You need to manage workload configs in this team.")
    cluster = usable_cluster(organization, access, cluster_id)
    secret_ids = check(organization, access, sail, team_id, cluster)
    config = WorkloadConfig(
        organization=organization,
        name=name.strip(),
        description=description or None,
        cluster=cluster,
        team_id=team_id,
        member=member,
        anonymous=anonymous,
        config={"sail": sail},
        created_by=member.id,
        updated_by=member.id,
    )
    return _save(config, secret_ids)


def update_config(config: WorkloadConfig, access, *, fields: set[str], name=None, description=None, sail=None):
    if "name" in fields and name is not None:
        config.name = name.strip()
    if "description" in fields:
        config.description = description or None
    secret_ids = list(config.secrets.values_list("id", flat=True))
    if "config" in fields and sail is not None:
        secret_ids = check(config.organization, access, sail, config.team_id, config.cluster)
        config.config = {"sail": sail}
    config.updated_at, config.updated_by = timezone.now(), access.member.id
    return _save(config, secret_ids)


def in_use(config: WorkloadConfig) -> str | None:
    """What holds the config (§3.20.5), in words, or None."""
    if Notebook.objects.filter(workload_config=config).exists():
        return "A notebook uses this workload config."
    if Session.objects.filter(workload_config=config).exclude(status__in=[Session.CLOSED, Session.FAILED]).exists():
        return "A session that is not closed uses this workload config."
    return None


def delete_config(config: WorkloadConfig) -> None:
    holder = in_use(config)
    if holder:
        raise PlatformError("in_use", holder)
    config.delete()


def resources(config: WorkloadConfig) -> tuple[float, float, float]:
    """(vCPUs, memory GiB, GPUs) the config's compute takes: the driver, plus every worker in cluster mode."""
    compute = config.config["sail"]["compute"]
    parts = [(compute["driver"]["instanceType"], 1)]
    if compute.get("worker"):
        parts.append((compute["worker"]["instanceType"], compute["worker"]["maxNodes"]))
    vcpus = memory = gpus = 0.0
    for instance_type, count in parts:
        spec = INSTANCE_TYPES.get(instance_type)
        if spec:
            vcpus += spec["vCpus"] * count
            memory += spec["memoryMiB"] / 1024 * count
            gpus += spec["gpuCount"] * count
    return vcpus, memory, gpus


def secret_ids_of(config: WorkloadConfig) -> list[str]:
    return [v["secretId"] for v in config.config["sail"]["environment"] if v["source"] == "secret"]


def by_name(found):
    return found.order_by(Lower("name"), "id")


def after(found, position: list | None):
    """Rows after a (lower name, id) marker position."""
    if not position:
        return found
    lowered, last_id = position
    return found.annotate(lname=Lower("name")).filter(Q(lname__gt=lowered) | Q(lname=lowered, id__gt=last_id))
