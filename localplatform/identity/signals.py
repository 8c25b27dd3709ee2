"""Keep the members' sort and search columns in step with their user's names and email, whoever edits them."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from localplatform.identity.models import Member, User

SORTED_FIELDS = {"display_name", "given_name", "family_name", "email"}


@receiver(post_save, sender=User, dispatch_uid="identity.sync_member_sort_columns")
def sync_member_sort_columns(sender, instance: User, created: bool, update_fields=None, **kwargs):
    """After a name or email change, refresh every membership's sort and search columns."""
    if created or (update_fields is not None and not SORTED_FIELDS & set(update_fields)):
        return
    Member.objects.filter(user=instance).update(**Member.directory_columns(instance))
