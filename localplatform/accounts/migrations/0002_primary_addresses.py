"""Give users created before this app their primary allauth EmailAddress (verified when the user's email is)."""

from django.db import migrations
from django.utils import timezone


def add_primary_addresses(apps, schema_editor):
    User = apps.get_model("identity", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    EmailRecord = apps.get_model("accounts", "EmailRecord")
    from localplatform.ids import new_id

    for user in User.objects.exclude(pk__in=EmailAddress.objects.values("user_id")).iterator():
        address = EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=user.email_verified)
        EmailRecord.objects.create(
            id=new_id(),
            address=address,
            created_at=user.created_at,
            verified_at=timezone.now() if user.email_verified else None,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("identity", "0002_catalogue"),
    ]

    operations = [migrations.RunPython(add_primary_addresses, migrations.RunPython.noop)]
