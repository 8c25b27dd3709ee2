"""`manage.py seed_demo` (§7 "Demo data")."""

from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.db.models import Count

from localplatform.identity.models import Member, Organization, Team, TeamMember, User
from tests.conftest import bearer
from tests.localplatform.helpers import ok


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_creates_the_demo_organization(db):
    output = seed()
    organization = Organization.objects.get(name="Acme Analytics")
    assert organization.id in output and "owner@acme.test" in output
    members = Member.objects.filter(organization=organization)
    assert members.count() == 40
    roles = dict(members.values_list("roles__key").annotate(n=Count("id")))
    assert roles == {"owner": 1, "admin": 3, "billing_viewer": 2, "auditor": 2, "member": 32}
    assert members.filter(status=Member.DEACTIVATED).count() == 2
    assert members.filter(account_type=Member.EXTERNAL).count() == 3
    assert not User.objects.filter(email_verified=False).exists()
    teams = Team.objects.filter(organization=organization)
    assert sorted(teams.values_list("name", flat=True)) == [
        "Analytics Engineering",
        "Data Platform",
        "Finance Analytics",
        "Growth",
        "Machine Learning",
    ]
    memberships = TeamMember.objects.filter(team__organization=organization)
    assert set(memberships.values_list("roles__key", flat=True)) == {"team_admin", "contributor", "viewer"}
    for team in teams:
        assert team.memberships.filter(roles__key="team_admin").count() == 1
    assert User.objects.get(email="chloe.dubois@acme.test").display_name == "Chloé Dubois"
    assert User.objects.filter(email="thomas.obrien@acme.test").exists()


def test_second_run_changes_nothing(db):
    seed()
    counts = (User.objects.count(), Member.objects.count(), Team.objects.count(), TeamMember.objects.count())
    output = seed()
    assert "nothing to do" in output
    assert counts == (User.objects.count(), Member.objects.count(), Team.objects.count(), TeamMember.objects.count())


def test_if_empty_skips_a_database_with_organizations(cast):
    output = seed("--if-empty")
    assert "not seeded" in output
    assert not Member.objects.filter(user__email="priya.raman@acme.test").exists()


def test_if_empty_seeds_an_empty_database(db):
    seed("--if-empty")
    assert Member.objects.count() == 40


def test_demo_users_sign_in_with_the_demo_password(db, api):
    seed()
    for email in ("owner@acme.test", "priya.raman@acme.test", "ravi.patel@northwind-consulting.test"):
        tokens = ok(api.post("/auth/login", json={"email": email, "password": settings.LAKESAIL_DEMO_PASSWORD}))
        me = ok(api.get("/me", headers=bearer(tokens["accessToken"])))
        assert me["organization"]["name"] == "Acme Analytics"
    tokens = ok(api.post("/auth/login", json={"email": "owner@acme.test", "password": settings.LAKESAIL_DEMO_PASSWORD}))
    body = ok(api.get("/org/members?limit=100", headers=bearer(tokens["accessToken"])))
    assert body["total"] == 40 and len(body["included"]["teams"]) == 5
