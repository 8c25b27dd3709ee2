"""Many realistic members for a large demo organization (`seed_demo --members 2000`), made through the services."""

import random
import unicodedata

from localplatform.identity.models import Member, Organization, Team, User
from localplatform.identity.services import directory, members
from localplatform.identity.services import teams as team_service

GIVEN = [
    "Aaliyah", "Aaron", "Abigail", "Adrian", "Ahmed", "Aiko", "Alejandro", "Alice", "Amelia", "Ana", "Andrei",
    "Anja", "Ayesha", "Benjamin", "Bianca", "Carlos", "Caroline", "Chen", "Clara", "David", "Dmitri", "Eleanor",
    "Emeka", "Emma", "Erik", "Esther", "Fiona", "Francesca", "Gabriel", "Hana", "Hassan", "Helena", "Hiroshi",
    "Isabel", "Ivan", "Jakob", "James", "Javier", "Jia", "Joanna", "José", "Kai", "Karin", "Kwame", "Laura",
    "Liam", "Lina", "Luca", "Magnus", "Maria", "Martina", "Maya", "Michael", "Min-jun", "Nadia", "Nikolai", "Nina",
    "Oliver", "Omar", "Oskar", "Paula", "Pedro", "Rania", "Rebecca", "Ricardo", "Rosa", "Ruth", "Sanjay", "Selin",
    "Simon", "Siobhan", "Sven", "Tomás", "Uma", "Victor", "Wei", "William", "Ximena", "Yara", "Yusuf", "Zoë",
]  # fmt: skip
FAMILY = [
    "Abe", "Andersen", "Baker", "Banerjee", "Bauer", "Bianchi", "Carter", "Castillo", "Chowdhury", "Clarke",
    "Costa", "Dąbrowski", "Das", "Delgado", "Eriksson", "Evans", "Fernández", "Fischer", "Fontaine", "García",
    "Gómez", "Gupta", "Hall", "Hansen", "Hernández", "Hoffmann", "Horvat", "Ivanova", "Jackson", "Jovanović",
    "Kaplan", "Kaur", "Khan", "Kowalski", "Kumar", "Larsen", "Lee", "Lopez", "Martin", "Mendes", "Moreau",
    "Murphy", "Nakamura", "Nguyen", "Nowak", "Obi", "Olsen", "Ortiz", "Petersen", "Popescu", "Quinn", "Reyes",
    "Richter", "Rodrigues", "Sato", "Schmidt", "Singh", "Smith", "Sokolova", "Suzuki", "Taylor", "Thomas",
    "Torres", "Tran", "Van Dijk", "Vargas", "Wagner", "Wang", "Weber", "Wright", "Yamamoto", "Öztürk", "Zhang",
]  # fmt: skip
ROLE_WEIGHTS = {"admin": 2, "billing_viewer": 2, "auditor": 3, "member": 93}
TEAM_ROLE_WEIGHTS = {"team_admin": 5, "contributor": 70, "viewer": 25}


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower().replace(" ", "-") if c.isalnum() or c == "-")


def top_up(organization: Organization, owner: Member, size: int, password_hash: str, domain: str) -> int:
    """Add generated members until the organization has `size`; returns how many were added."""
    rng = random.Random(f"{organization.id}:{size}")  # noqa: S311 - reproducible fake people, not secrets
    have = Member.objects.filter(organization=organization).count()
    roles = {key: directory.role(key) for key in (*ROLE_WEIGHTS, *TEAM_ROLE_WEIGHTS)}
    teams = list(Team.objects.filter(organization=organization).order_by("name"))
    taken = set(User.objects.filter(email__endswith=f"@{domain}").values_list("email", flat=True))
    added = 0
    while have + added < size:
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        base = f"{ascii_slug(given)}.{ascii_slug(family)}"
        email, n = f"{base}@{domain}", 2
        while email in taken:
            email, n = f"{base}{n}@{domain}", n + 1
        taken.add(email)
        user = directory.create_user(email, None, given, family, email_verified=True, password_hash=password_hash)
        role = roles[rng.choices(list(ROLE_WEIGHTS), list(ROLE_WEIGHTS.values()))[0]]
        external = rng.random() < 0.04
        member = directory.add_member(
            organization, user, [role], Member.EXTERNAL if external else Member.MANAGED, by=owner
        )
        deactivated = rng.random() < 0.02
        for team in rng.sample(teams, k=min(len(teams), rng.choice([0, 0, 1, 1, 1, 2]))):
            team_role = roles[rng.choices(list(TEAM_ROLE_WEIGHTS), list(TEAM_ROLE_WEIGHTS.values()))[0]]
            team_service.add_member(team, member, [team_role])
        if deactivated:  # after the placements: a deactivated member can join no team
            members.deactivate_member(member, by=owner)
        added += 1
    return added
