"""Demo workloads for `manage.py seed_demo`, made through the same services as real content.

A compute profile on this machine's cluster for each of the two teams that share it, a secret the Data Platform
profile puts in its environment, and two stopped notebooks: "Revenue by region" with cells that query Sail, and an
empty scratchpad shared with Analytics Engineering. Start them from the console; they run for real.
"""

from collections.abc import Callable

from localplatform.identity.models import Member, Organization, Team
from localplatform.identity.services.permissions import Access
from localplatform.infra.models import Cluster
from localplatform.workloads import configs, notebooks, secrets
from localplatform.workloads.models import Notebook, WorkloadConfig

SECRET = "warehouse-readonly-password"
PROFILES = {  # name -> (team, driver instance type)
    "Data Platform standard": ("Data Platform", "c8g.2xlarge"),
    "Analytics small": ("Analytics Engineering", "c8g.xlarge"),
}

REVENUE = '''import marimo

__generated_with = "0.25.2"
app = marimo.App(width="medium")


@app.cell
def _():
    import marimo as mo
    from pyspark.sql import SparkSession

    # SPARK_REMOTE points at this notebook's own Sail (Spark Connect) session.
    spark = SparkSession.builder.getOrCreate()
    mo.md("# Revenue by region")
    return mo, spark


@app.cell
def _(spark):
    orders = spark.sql("""
        SELECT * FROM VALUES
          (DATE'2026-11-02', 'EMEA', 'enterprise', 18400.0),
          (DATE'2026-11-02', 'AMER', 'self-serve', 6200.0),
          (DATE'2026-11-03', 'APAC', 'enterprise', 12950.0),
          (DATE'2026-11-03', 'EMEA', 'self-serve', 4100.0),
          (DATE'2026-11-04', 'AMER', 'enterprise', 22300.0),
          (DATE'2026-11-04', 'APAC', 'self-serve', 3800.0)
        AS orders(day, region, plan, amount)
    """)
    orders.createOrReplaceTempView("orders")
    return (orders,)


@app.cell
def _(orders, spark):
    by_region = spark.sql("""
        SELECT region, COUNT(*) AS orders, SUM(amount) AS revenue
        FROM orders GROUP BY region ORDER BY revenue DESC
    """).toPandas()
    by_region
    return (by_region,)


@app.cell
def _(mo, by_region):
    top = by_region.iloc[0]
    mo.md(f"**{top.region}** leads with **${top.revenue:,.0f}** over {top.orders} orders.")
    return


if __name__ == "__main__":
    app.run()
'''


def seed(organization: Organization, owner: Member, count: Callable[[str], None]) -> None:
    """Add whatever part of the demo workloads is missing (idempotent by name)."""
    local = Cluster.objects.filter(organization=organization, kind=Cluster.SELF_REGISTERED).first()
    teams = {t.name: t for t in Team.objects.filter(organization=organization)}
    if local is None or "Data Platform" not in teams:
        return
    access = Access.of(owner)
    secret = secrets.alive(organization).filter(name=SECRET).first()
    if secret is None:
        secret = secrets.create_secret(
            organization, owner, name=SECRET, value="demo-warehouse-password", team_ids=[teams["Data Platform"].id],
            description="Read-only password of the reporting warehouse.", metadata={"rotates": "quarterly"},
        )  # fmt: skip
        count("secrets")
    made: dict[str, WorkloadConfig] = {}
    for name, (team_name, instance_type) in PROFILES.items():
        team = teams.get(team_name)
        if team is None:
            continue
        found = WorkloadConfig.objects.filter(organization=organization, name=name).first()
        if found is None:
            environment = [{"name": "WAREHOUSE_PASSWORD", "source": "secret", "value": None, "secretId": secret.id}]
            sail = sail_config(instance_type, environment if team_name == "Data Platform" else [])
            description = f"{team_name} notebooks and sessions on this machine."
            found = configs.create_config(
                organization,
                access,
                name=name,
                team_id=team.id,
                cluster_id=local.id,
                sail=sail,
                description=description,
            )
            count("compute profiles")
        made[team_name] = found
    if "Data Platform" in made and not Notebook.objects.filter(organization=organization, name="Revenue by region"):
        notebooks.create_notebook(
            organization, access, name="Revenue by region", config_id=made["Data Platform"].id,
            description="Orders by region, queried through Sail.", team_ids=[teams["Data Platform"].id], source=REVENUE,
        )  # fmt: skip
        count("notebooks")
    scratch = made.get("Analytics Engineering")
    if scratch and not Notebook.objects.filter(organization=organization, name="Churn scratchpad"):
        notebooks.create_notebook(organization, access, name="Churn scratchpad", config_id=scratch.id,
                                  team_ids=[scratch.team_id])  # fmt: skip
        count("notebooks")


def sail_config(instance_type: str, environment: list[dict]) -> dict:
    from localplatform.api.shapes.workloads import SailConfig

    chosen = {"compute": {"driver": {"instanceType": instance_type}}, "environment": environment}
    return SailConfig.model_validate(chosen).model_dump()
