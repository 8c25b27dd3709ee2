"""`manage.py seed_demo --members N`: the large demo organization, made through the services."""

from io import StringIO

from django.core.management import call_command

from localplatform.identity.models import Member, Organization, TeamMember


def test_members_option_tops_acme_up_to_the_size_and_is_idempotent(db):
    call_command("seed_demo", members=120, stdout=StringIO())
    acme = Organization.objects.get(name="Acme Analytics")
    members = Member.objects.filter(organization=acme)
    assert members.count() == 120
    generated = members.filter(user__email__endswith="@acme.test").exclude(created_by=None)
    assert generated.count() > 80
    assert len(set(members.values_list("user__email", flat=True))) == 120
    assert all(m.roles.exists() for m in members)
    assert (
        members.filter(search_text__contains="@acme.test").count()
        == members.filter(user__email__endswith="@acme.test").count()
    )
    placements = TeamMember.objects.filter(member__organization=acme).count()
    out = StringIO()
    call_command("seed_demo", members=120, stdout=out)
    assert "nothing to do" in out.getvalue()
    assert members.count() == 120 and TeamMember.objects.filter(member__organization=acme).count() == placements
