"""Member search latency at 1,000 and 100,000 members: GET /org/members through the real API, in-process.

    .venv/bin/python benchmarks/member_search.py            # about a minute
    .venv/bin/python benchmarks/member_search.py --runs 50 --sizes 1000,100000

It builds a throwaway SQLite database in a temporary directory (never var/), migrates it, creates the
organization and its Owner through the directory services, then bulk-inserts realistic members (names,
emails, org roles, team placements, a few external and deactivated ones) until the organization has
each size in turn. Every scenario is a real HTTP request through Django's WSGI handler, with the
Owner's bearer token, timed from the client side. Not part of the test suite.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GIVEN = [
    "Ann",
    "Anna",
    "Aaron",
    "Adam",
    "Aisha",
    "Amara",
    "Arjun",
    "Beatriz",
    "Ben",
    "Camille",
    "Chloe",
    "Connor",
    "Daniel",
    "Diego",
    "Elena",
    "Ethan",
    "Fatima",
    "Grace",
    "Hannah",
    "Ibrahim",
    "Ingrid",
    "Jonas",
    "Julia",
    "Kenji",
    "Leila",
    "Lucas",
    "Marcus",
    "Mateo",
    "Mei",
    "Mia",
    "Noah",
    "Nora",
    "Olivia",
    "Olusegun",
    "Priya",
    "Rafael",
    "Ravi",
    "Samuel",
    "Sara",
    "Sofia",
    "Tariq",
    "Thomas",
    "Valentina",
    "Yuki",
    "Zara",
    "Joanna",
    "Hanna",
    "Susanne",
    "Leann",
    "Dianne",
]
FAMILY = [
    "Adeyemi",
    "Ahmed",
    "Al-Sayed",
    "Alvarez",
    "Becker",
    "Bello",
    "Bennett",
    "Brooks",
    "Cohen",
    "Costa",
    "Diallo",
    "Dubois",
    "Greco",
    "Haddad",
    "Hussain",
    "Jensen",
    "Johnson",
    "Kim",
    "Laurent",
    "Lin",
    "Lindqvist",
    "Mehta",
    "Muller",
    "Nilsson",
    "Novak",
    "OBrien",
    "Okafor",
    "Park",
    "Patel",
    "Petrova",
    "Ramirez",
    "Raman",
    "Rossi",
    "Santos",
    "Sharma",
    "Silva",
    "Tanaka",
    "Walsh",
    "Watanabe",
    "Williams",
    "Mann",
    "Hartmann",
    "Brennan",
    "Channing",
]

SCENARIOS: list[tuple[str, dict[str, object]]] = [
    ("first page, by name", {"limit": 50}),
    ("page 20, by email desc", {"limit": 50, "page": 20, "sortBy": "email", "sortDirection": "desc"}),
    ("search 'ann', by name", {"limit": 50, "filter[search]": "ann"}),
    ("search one person's email", {"limit": 50, "filter[search]": "{needle}"}),
    ("role Auditor, active", {"limit": 50, "filter[roleId]": "{auditor}", "filter[status]": "active"}),
    ("team filter, page 2", {"limit": 50, "page": 2, "filter[teamId]": "{team}"}),
]


def configure(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "console.settings"
    import django

    django.setup()


def seed_to(organization, size: int, rng: random.Random, context: dict) -> None:
    """Bulk-insert members (with users, roles and team placements) until the organization has `size`."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from localplatform.identity.models import Member, TeamMember, User
    from localplatform.identity.services import directory

    with connection.cursor() as cursor:  # a throwaway database: no need to survive a crash while seeding
        cursor.execute("PRAGMA synchronous = OFF")
    have = Member.objects.filter(organization=organization).count()
    roles = [directory.role(k) for k in ("admin", "billing_viewer", "auditor", "member")]
    weights = [2, 3, 5, 90]
    teams, contributor = context["teams"], directory.role("contributor")
    password = make_password(None)  # unusable: nobody signs in as these
    now = timezone.now()
    batch = 5000
    while have < size:
        count = min(batch, size - have)
        users, members = [], []
        for n in range(have, have + count):
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            email = f"{given.lower()}.{family.lower()}.{n}@bench.test"
            display = f"{given} {family}"
            users.append(
                User(
                    email=email,
                    given_name=given,
                    family_name=family,
                    display_name=display,
                    email_verified=True,
                    password=password,
                    created_at=now,
                    updated_at=now,
                )
            )
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=1000)
            for user in users:
                members.append(
                    Member(
                        organization=organization,
                        user=user,
                        joined_at=now,
                        created_at=now,
                        updated_at=now,
                        account_type="external" if rng.random() < 0.05 else "managed",
                        status="deactivated" if rng.random() < 0.03 else "active",
                        **Member.directory_columns(user),
                    )
                )
            Member.objects.bulk_create(members, batch_size=1000)
            through = Member.roles.through
            through.objects.bulk_create(
                [through(member_id=m.id, role_id=rng.choices(roles, weights)[0].id) for m in members], batch_size=2000
            )
            placements = [
                TeamMember(team=rng.choice(teams), member=m, added_at=now) for m in members if rng.random() < 0.3
            ]
            TeamMember.objects.bulk_create(placements, batch_size=2000)
            team_roles = TeamMember.roles.through
            team_roles.objects.bulk_create(
                [team_roles(teammember_id=p.id, role_id=contributor.id) for p in placements], batch_size=2000
            )
        context["needle"] = users[len(users) // 2].email
        have += count


def measure(client, headers: dict, params: dict, runs: int) -> tuple[float, float, int]:
    """(median ms, p95 ms, total) of `runs` requests after one warm-up."""
    from urllib.parse import urlencode

    url = "/api/v1/org/members?" + urlencode(params)
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    total = response.json()["total"]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, round(0.95 * len(samples)) - 1)], total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per scenario (default 30)")
    parser.add_argument("--sizes", default="1000,100000", help="organization sizes, ascending (default 1000,100000)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    workdir = tempfile.mkdtemp(prefix="lakesail-bench-")
    configure(Path(workdir) / "bench.sqlite3")

    import httpx
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    from localplatform.identity.services import directory
    from localplatform.identity.services import teams as team_service

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    owner = directory.create_user("owner@bench.test", "benchmark-password-1", "Olivia", "Bench", email_verified=True)
    organization, owner_member = directory.create_organization("Benchmark Analytics", owner)
    teams = [team_service.create_team(organization, f"Team {n:02d}", owner_member) for n in range(1, 21)]
    context = {"teams": teams, "auditor": directory.role("auditor").id, "team": teams[0].id}
    rng = random.Random(4)  # noqa: S311 - reproducible fake data, not secrets

    client = httpx.Client(transport=httpx.WSGITransport(app=get_wsgi_application()), base_url="http://127.0.0.1")
    login = client.post("/api/v1/auth/login", json={"email": "owner@bench.test", "password": "benchmark-password-1"})
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['accessToken']}"}

    results: dict[str, dict[int, tuple[float, float, int]]] = {}
    for size in sizes:
        t0 = time.perf_counter()
        seed_to(organization, size, rng, context)
        print(f"seeded {size:,} members in {time.perf_counter() - t0:.1f} s ({workdir})", flush=True)
        for name, template in SCENARIOS:
            params = {k: v.format(**context) if isinstance(v, str) else v for k, v in template.items()}
            results.setdefault(name, {})[size] = measure(client, headers, params, args.runs)

    print()
    print(f"GET /org/members, {args.runs} runs per cell after a warm-up; SQLite; milliseconds")
    head = f"{'scenario':<28}" + "".join(f"{f'{s:,}: median / p95 (total)':>34}" for s in sizes)
    print(head + f"{'ratio (median)':>16}")
    for name, by_size in results.items():
        cells = "".join(f"{f'{m:7.1f} / {p:7.1f} ({t:,})':>34}" for m, p, t in (by_size[s] for s in sizes))
        ratio = by_size[sizes[-1]][0] / by_size[sizes[0]][0]
        print(f"{name:<28}{cells}{ratio:>15.1f}x")
    print(f"\n{sizes[-1] // sizes[0]}x more members; whole run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
