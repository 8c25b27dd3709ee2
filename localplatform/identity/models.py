"""Identity and access: organizations, users, members, roles, teams and logins (contract §2.1)."""

from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from localplatform.ids import new_id


class IdField(models.CharField):
    """A 10-character platform id used as the primary key."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("default", new_id)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


class Audited(models.Model):
    """createdAt/createdBy/updatedAt/updatedBy: the *By fields hold a member id (user id for users)."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=20, null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.CharField(max_length=20, null=True, blank=True)

    class Meta:
        abstract = True


class Permission(models.Model):
    relation = models.CharField(max_length=64, primary_key=True)
    description = models.CharField(max_length=255)
    valid_object_types = models.JSONField(default=list)
    system_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["relation"]

    def __str__(self):
        return self.relation


class PermissionBundle(models.Model):
    key = models.SlugField(max_length=64, primary_key=True)
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=1023)
    permissions = models.ManyToManyField(Permission, related_name="bundles")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class Role(Audited):
    """A built-in role. The catalogue is fixed and global; `organizationId` is the org in context."""

    ORGANIZATION = "organization"
    TEAM = "team"

    id = IdField(primary_key=True)
    key = models.SlugField(max_length=32, unique=True)
    scope = models.CharField(max_length=16, choices=[(ORGANIZATION, ORGANIZATION), (TEAM, TEAM)])
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=1023)
    all_teams = models.BooleanField(default=False)
    break_glass = models.BooleanField(default=False)
    permissions = models.ManyToManyField(Permission, related_name="roles")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self):
        return self.name


class Organization(Audited):
    id = IdField(primary_key=True)
    name = models.CharField(max_length=255)
    # Settings (§2.1 OrganizationSettings)
    require_dpop = models.BooleanField(default=False)
    require_mfa = models.BooleanField(default=False)
    session_lifetime_minutes = models.PositiveIntegerField(default=720)
    invitation_expiry_hours = models.PositiveIntegerField(default=168)
    trusted_device_lifetime_days = models.PositiveIntegerField(default=30)
    default_role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        user = self.model(email=email.strip().lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user


class User(AbstractBaseUser, Audited):
    ACTIVE = "active"
    DISABLED = "disabled"

    id = IdField(primary_key=True)
    email = models.EmailField(max_length=254, unique=True)
    given_name = models.CharField(max_length=255)
    family_name = models.CharField(max_length=255)
    display_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, default=ACTIVE, choices=[(ACTIVE, ACTIVE), (DISABLED, DISABLED)])
    email_verified = models.BooleanField(default=False)
    mfa_enabled = models.BooleanField(default=False)
    last_login_at = models.DateTimeField(null=True, blank=True)
    # The organization the user entered most recently: the default for the next login (§1.4).
    last_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["given_name", "family_name"]

    objects = UserManager()

    def __str__(self):
        return self.email

    @property
    def is_active(self):
        return self.status == self.ACTIVE


class Member(Audited):
    MANAGED = "managed"
    EXTERNAL = "external"
    ACTIVE = "active"
    DEACTIVATED = "deactivated"

    id = IdField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    account_type = models.CharField(max_length=16, default=MANAGED, choices=[(MANAGED, MANAGED), (EXTERNAL, EXTERNAL)])
    status = models.CharField(max_length=16, default=ACTIVE, choices=[(ACTIVE, ACTIVE), (DEACTIVATED, DEACTIVATED)])
    joined_at = models.DateTimeField(default=timezone.now)
    roles = models.ManyToManyField(Role, related_name="members")
    # Denormalized from the user so that directory search and sort stay indexed (kept in sync by services).
    sort_name = models.CharField(max_length=255, default="", db_index=True)
    sort_email = models.CharField(max_length=254, default="", db_index=True)
    # Lower-cased "display given family email": member search reads one column of one table, without a join.
    search_text = models.CharField(max_length=1024, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="member_unique_user")]
        indexes = [
            models.Index(fields=["organization", "sort_name", "id"]),
            models.Index(fields=["organization", "sort_email", "id"]),
            models.Index(fields=["organization", "search_text"], name="member_org_search"),
        ]

    @staticmethod
    def directory_columns(user: "User") -> dict[str, str]:
        """The denormalized sort and search columns for a member of `user`."""
        text = " ".join((user.display_name, user.given_name, user.family_name, user.email)).lower()
        return {"sort_name": user.display_name.lower(), "sort_email": user.email.lower(), "search_text": text}


class Team(Audited):
    id = IdField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=255)
    description = models.CharField(max_length=1023, null=True, blank=True)
    default_role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint("organization", Lower("name"), name="team_unique_name_ci"),
        ]


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="team_memberships")
    roles = models.ManyToManyField(Role, related_name="team_memberships")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "member"], name="team_member_unique")]


class Login(models.Model):
    """One signed-in session: a refresh-token family with its device (contract §2.1 Login)."""

    PASSWORD = "password"
    CODE = "code"
    SSO = "sso"

    id = IdField(primary_key=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="logins")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="logins"
    )
    method = models.CharField(max_length=16, default=PASSWORD)
    mfa = models.BooleanField(default=False)
    token_type = models.CharField(max_length=8, default="Bearer")
    dpop_jkt = models.CharField(max_length=64, null=True, blank=True)
    mfa_enrollment_required = models.BooleanField(default=False)
    ip_address = models.CharField(max_length=64, default="")
    user_agent = models.CharField(max_length=512, default="")
    device = models.CharField(max_length=255, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at", "expires_at"])]

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class RefreshToken(models.Model):
    """A refresh token of a login, stored hashed. Each is single use; a reuse revokes the login."""

    login = models.ForeignKey(Login, on_delete=models.CASCADE, related_name="refresh_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)


class DpopProof(models.Model):
    """A DPoP proof's jti (hashed), remembered for 5 minutes so that any worker refuses its replay (§1.4)."""

    jti_hash = models.CharField(max_length=64, primary_key=True)
    expires_at = models.DateTimeField(db_index=True)


class TemporaryPassword(models.Model):
    """A password an admin issued (§3.3.11, §3.3.17): it stops working at expires_at while it is still the password.

    Holding the hash it was issued as, the record goes stale by itself when the user sets a password of their own.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="+")
    password_hash = models.CharField(max_length=128)
    expires_at = models.DateTimeField()


class Invitation(Audited):
    """An invitation to join an organization (contract §2.1 Invitation); the token is stored hashed."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    CANCELLED = "cancelled"
    EXPIRED = "expired"
    STATUSES = [(s, s) for s in (PENDING, ACCEPTED, CANCELLED, EXPIRED)]
    ACCOUNT_TYPES = [(Member.MANAGED, Member.MANAGED), (Member.EXTERNAL, Member.EXTERNAL)]

    id = IdField(primary_key=True)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)  # lower-cased (§1.10)
    role_ids = models.JSONField(default=list)  # org roles granted on acceptance
    teams = models.JSONField(default=list)  # [{"teamId": ..., "roleIds": [...]}], roles resolved at creation
    account_type = models.CharField(max_length=16, default=Member.MANAGED, choices=ACCOUNT_TYPES)
    # Stored status; a pending invitation past expires_at reads as expired before the sweep records it.
    status = models.CharField(max_length=16, default=PENDING, choices=STATUSES)
    message = models.CharField(max_length=1023, null=True, blank=True)
    expires_at = models.DateTimeField()
    invited_by = models.CharField(max_length=20)  # member id
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.CharField(max_length=20, null=True, blank=True)  # member id
    token_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["organization", "status", "created_at"]),
            models.Index(fields=["organization", "email"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def effective_status(self, now=None) -> str:
        """The status as the API reports it: "expired" as soon as expires_at has passed."""
        if self.status == self.PENDING and self.expires_at <= (now or timezone.now()):
            return self.EXPIRED
        return self.status


if TYPE_CHECKING:  # a Team from a query annotated with its explicit member count (services.teams)
    from django_stubs_ext import WithAnnotations

    class MemberCount(TypedDict):
        member_count: int

    CountedTeam = WithAnnotations[Team, MemberCount]
