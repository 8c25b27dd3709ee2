"""`manage.py seed_demo`: the demo organization "Acme Analytics" (contract §7 "Demo data").

Everything is created through the directory services, as real content would be. The command is
idempotent: it adds only what is missing, so a second run changes nothing and says so.
"""

import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction

from localplatform.identity import demo_people
from localplatform.identity.models import Member, Organization, Team, TeamMember, User
from localplatform.identity.services import directory, members
from localplatform.identity.services import teams as team_service

ORGANIZATION_NAME = "Acme Analytics"
OWNER_EMAIL = "owner@acme.test"
DOMAIN = "acme.test"


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    role: str = "member"
    domain: str = DOMAIN
    external: bool = False
    deactivated: bool = False

    @property
    def name(self) -> str:
        return f"{self.given} {self.family}"

    @property
    def email(self) -> str:
        return f"{ascii_slug(self.given)}.{ascii_slug(self.family)}@{self.domain}"


@dataclass(frozen=True)
class TeamSpec:
    name: str
    description: str
    lead: str  # joins as Team Admin
    contributors: list[str] = field(default_factory=list)
    viewers: list[str] = field(default_factory=list)


OWNER = Person("Olivia", "Bennett", "owner")
PEOPLE = [
    Person("Priya", "Raman", "admin"),
    Person("Marcus", "Johnson", "admin"),
    Person("Sofia", "Álvarez", "admin"),
    Person("Hannah", "Müller", "billing_viewer"),
    Person("Kenji", "Watanabe", "billing_viewer"),
    Person("Fatima", "Al-Sayed", "auditor"),
    Person("Thomas", "O'Brien", "auditor"),
    Person("Aisha", "Bello"),
    Person("Lucas", "Silva"),
    Person("Mei", "Lin"),
    Person("Olusegun", "Adeyemi"),
    Person("Elena", "Petrova"),
    Person("Diego", "Ramírez"),
    Person("Chloé", "Dubois"),
    Person("Arjun", "Mehta"),
    Person("Sara", "Lindqvist"),
    Person("Noah", "Williams"),
    Person("Yuki", "Tanaka"),
    Person("Amara", "Okafor"),
    Person("Jonas", "Becker"),
    Person("Leila", "Haddad"),
    Person("Mateo", "Rossi"),
    Person("Grace", "Kim"),
    Person("Ibrahim", "Diallo"),
    Person("Nora", "Jensen"),
    Person("Rafael", "Costa"),
    Person("Anika", "Sharma"),
    Person("Samuel", "Cohen"),
    Person("Zara", "Ahmed"),
    Person("Ingrid", "Nilsson"),
    Person("Tariq", "Hussain"),
    Person("Camille", "Laurent"),
    Person("Daniel", "Park"),
    Person("Valentina", "Greco"),
    Person("Connor", "Walsh", deactivated=True),
    Person("Beatriz", "Santos", deactivated=True),
    Person("Ravi", "Patel", domain="northwind-consulting.test", external=True),
    Person("Julia", "Novák", domain="northwind-consulting.test", external=True),
    Person("Ethan", "Brooks", domain="brightlake.test", external=True),
]

TEAMS = [
    TeamSpec(
        "Data Platform",
        "Runs the lakehouse: ingestion pipelines, shared catalogs and cluster capacity.",
        lead="Arjun Mehta",
        contributors=["Olusegun Adeyemi", "Elena Petrova", "Jonas Becker", "Ravi Patel"],
        viewers=["Leila Haddad"],
    ),
    TeamSpec(
        "Analytics Engineering",
        "Models raw data into trusted tables and owns the metrics layer.",
        lead="Mei Lin",
        contributors=["Lucas Silva", "Sara Lindqvist", "Grace Kim", "Julia Novák"],
        viewers=["Noah Williams", "Camille Laurent"],
    ),
    TeamSpec(
        "Machine Learning",
        "Trains and serves forecasting and recommendation models.",
        lead="Yuki Tanaka",
        contributors=["Amara Okafor", "Ibrahim Diallo", "Daniel Park", "Arjun Mehta"],
        viewers=["Nora Jensen"],
    ),
    TeamSpec(
        "Finance Analytics",
        "Revenue, cost and billing reporting for the finance office.",
        lead="Samuel Cohen",
        contributors=["Anika Sharma", "Tariq Hussain"],
        viewers=["Hannah Müller", "Kenji Watanabe", "Ingrid Nilsson"],
    ),
    TeamSpec(
        "Growth",
        "Experiments, funnels and campaign attribution.",
        lead="Chloé Dubois",
        contributors=["Mateo Rossi", "Zara Ahmed", "Rafael Costa", "Ethan Brooks"],
        viewers=["Valentina Greco", "Diego Ramírez", "Aisha Bello"],
    ),
]


def ascii_slug(text: str) -> str:
    """ "Chloé" -> "chloe", "O'Brien" -> "obrien", "Al-Sayed" -> "al-sayed": the local part of a demo email."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower().replace(" ", "-") if c.isalnum() or c == "-")


class Command(BaseCommand):
    help = "Create the demo organization 'Acme Analytics' with members, roles and teams (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Seed only when the database has no organization yet."
        )
        parser.add_argument(
            "--members",
            type=int,
            default=0,
            metavar="N",
            help="Also add generated members until Acme Analytics has N (the large data set, e.g. 2000).",
        )

    def handle(self, *args, if_empty=False, members=0, **options):
        if if_empty and Organization.objects.exists():
            self.stdout.write("The database already has organizations; demo data not seeded.")
            return
        seeder = Seeder(make_password(settings.LAKESAIL_DEMO_PASSWORD))
        with transaction.atomic():
            organization = seeder.run()
            if members:
                added = demo_people.top_up(
                    organization, seeder.members[OWNER.name], members, seeder.password_hash, DOMAIN
                )
                if added:
                    seeder.created["generated members"] = added
        if not seeder.created:
            self.stdout.write(f"Demo organization {organization.name} ({organization.id}) is complete; nothing to do.")
            return
        self.stdout.write(self.style.SUCCESS(f"Seeded demo organization {organization.name} ({organization.id})."))
        for what, count in seeder.created.items():
            self.stdout.write(f"  {what} created: {count}")
        members = Member.objects.filter(organization=organization)
        self.stdout.write(
            f"  now {members.count()} members ({members.filter(status=Member.DEACTIVATED).count()} deactivated, "
            f"{members.filter(account_type=Member.EXTERNAL).count()} external) "
            f"and {Team.objects.filter(organization=organization).count()} teams"
        )
        self.stdout.write(f"  sign in as {OWNER_EMAIL} with the password in LAKESAIL_DEMO_PASSWORD")


class Seeder:
    """Adds whatever part of the demo organization is missing, counting what it created."""

    def __init__(self, password_hash: str):
        self.password_hash = password_hash
        self.created: dict[str, int] = {}
        self.members: dict[str, Member] = {}

    def count(self, what: str) -> None:
        self.created[what] = self.created.get(what, 0) + 1

    def run(self) -> Organization:
        owner_user = self.user(OWNER, OWNER_EMAIL)
        organization = Organization.objects.filter(
            name=ORGANIZATION_NAME, members__user=owner_user, members__roles__key="owner"
        ).first()
        if organization is None:
            organization, owner = directory.create_organization(ORGANIZATION_NAME, owner_user)
            self.count("organizations")
        else:
            owner = Member.objects.get(organization=organization, user=owner_user)
        self.members[OWNER.name] = owner
        for person in PEOPLE:
            self.members[person.name] = self.member(organization, person, owner)
        for spec in TEAMS:
            self.team(organization, spec)
        from localplatform.notifications import demo as notifications_demo

        notifications_demo.seed(organization, owner, self.count)
        from localplatform.sso import demo as sso_demo

        sso_demo.seed(organization, owner, self.count)
        from localplatform.infra import demo as infra_demo

        infra_demo.seed(organization, owner, self.count)
        from localplatform.workloads import demo as workloads_demo

        workloads_demo.seed(organization, owner, self.count)
        from localplatform.billing import demo as billing_demo

        billing_demo.seed(organization, owner, self.count)
        return organization

    def user(self, person: Person, email: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = directory.create_user(
                email, None, person.given, person.family, email_verified=True, password_hash=self.password_hash
            )
            self.count("users")
        return user

    def member(self, organization: Organization, person: Person, owner: Member) -> Member:
        user = self.user(person, person.email)
        member = Member.objects.filter(organization=organization, user=user).first()
        if member is not None:
            return member
        account_type = Member.EXTERNAL if person.external else Member.MANAGED
        member = directory.add_member(organization, user, [directory.role(person.role)], account_type, by=owner)
        if person.deactivated:
            members.deactivate_member(member, by=owner)
        self.count("members")
        return member

    def team(self, organization: Organization, spec: TeamSpec) -> None:
        team = Team.objects.filter(organization=organization, name__iexact=spec.name).first()
        if team is None:
            team = team_service.create_team(organization, spec.name, self.members[spec.lead], spec.description)
            self.count("teams")
        placements = [(spec.lead, "team_admin")]
        placements += [(name, "contributor") for name in spec.contributors]
        placements += [(name, "viewer") for name in spec.viewers]
        for name, role_key in placements:
            member = self.members[name]
            if not TeamMember.objects.filter(team=team, member=member).exists():
                team_service.add_member(team, member, [directory.role(role_key)])
                self.count("team memberships")
