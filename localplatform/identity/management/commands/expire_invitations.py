"""`manage.py expire_invitations`: record pending invitations past their expiry and emit invitation.expired."""

from django.core.management.base import BaseCommand

from localplatform.identity.services.invitations import expire_invitations


class Command(BaseCommand):
    help = "Mark pending invitations whose expiry has passed as expired (emits invitation.expired for each)."

    def handle(self, *args, **options):
        count = expire_invitations()
        self.stdout.write(f"{count} invitation{'s' if count != 1 else ''} expired.")
