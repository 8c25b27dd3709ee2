"""PATCH /me: the caller's own names and primary email."""

from django.db import transaction
from django.utils import timezone

from localplatform.accounts.services import addresses
from localplatform.errors import invalid
from localplatform.identity.models import Member, User


@transaction.atomic
def update(user: User, email: str | None, given: str | None, family: str | None, display: str | None) -> User:
    """Change the given fields (None keeps a value); `email` must be a verified address of the user."""
    names = {"given_name": given, "family_name": family, "display_name": display}
    changes = {field: value.strip() for field, value in names.items() if value is not None}
    blank = [field for field, value in changes.items() if not value]
    if blank:
        camel = {"given_name": "givenName", "family_name": "familyName", "display_name": "displayName"}
        raise invalid({camel[field]: "must not be blank" for field in blank})
    if email is not None:
        addresses.make_primary(user, email)
    if changes:
        for field, value in changes.items():
            setattr(user, field, value)
        user.updated_at = timezone.now()
        user.updated_by = user.id
        user.save(update_fields=[*changes, "updated_at", "updated_by"])
        Member.objects.filter(user=user).update(sort_name=user.display_name.lower())
    return user
