"""The one way to put a platform refusal on a form: at the field it concerns, keeping what the user typed.

    if form.is_valid():
        try:
            team = create_team(request.platform, ...)
        except PlatformError as error:
            form.add_platform_error(error)  # re-raises what a form cannot explain (401, 403, 404)
        else:
            return navigate(request, ...)
    return render_page(request, ..., status=422 if form.errors else 200)

422 fieldErrors land on the field named by `wire_fields` (dotted wire paths, "config.url",
"teamIds[2]"); a 409 `already_exists` lands on `conflict_field`; other conflicts, rate limits and an
unreachable platform become a form-level error. The form is bound to the POST, so every value stays.
"""

from typing import ClassVar, cast

from django import forms

from console.client.errors import Conflict, Forbidden, PlatformError, RateLimited, Unavailable, ValidationFailed

UNREACHABLE = "The platform isn't responding, so nothing was saved. What you entered is still here: try again."
# 403 codes that refuse this particular change, not the screen: shown at the form, not as an error page.
EXPLAINABLE_403 = frozenset({"owner_role_required"})


def set_choices(field: forms.Field, choices) -> None:
    """Choices learned from the platform, on a choice field of a form instance."""
    cast(forms.ChoiceField, field).choices = choices


def try_again(retry_after: int | None) -> str:
    if retry_after:
        return f"Too many attempts. Try again in {retry_after} second{'s' if retry_after != 1 else ''}."
    return "Too many attempts. Try again in a minute."


def wire_key(path: str) -> str:
    """ "config.headers[2].name" -> "config.headers": the field a nested error belongs to."""
    return path.split("[", 1)[0]


class PlatformForm(forms.Form):
    """A Django form whose submission the platform judges too."""

    # Wire field path (camelCase, dotted) -> form field. A path not listed is tried without its last parts
    # ("config.headers.X-Team" -> "config.headers" -> "config"), then as its snake_case name; else the
    # error is a form-level one.
    wire_fields: ClassVar[dict[str, str | None]] = {}
    # Where a 409 already_exists is shown (None: form-level).
    conflict_field: ClassVar[str | None] = None
    conflict_message: ClassVar[str | None] = None

    def add_platform_error(self, error: PlatformError) -> None:
        """Place `error` on the form; raise it again when it is not the form's to explain."""
        if isinstance(error, ValidationFailed):
            self.add_field_errors(error)
        elif isinstance(error, Conflict) and error.code == "already_exists":
            field = self.conflict_field if self.conflict_field in self.fields else None
            self.add_error(field, self.conflict_message or error.message)
        elif isinstance(error, Conflict) or (isinstance(error, Forbidden) and error.code in EXPLAINABLE_403):
            self.add_error(None, error.message)
        elif isinstance(error, RateLimited):
            self.add_error(None, try_again(error.retry_after))
        elif isinstance(error, Unavailable):
            self.add_error(None, UNREACHABLE)
        else:
            raise error

    def add_field_errors(self, error: PlatformError) -> None:
        if not error.field_errors:
            self.add_error(None, error.message)
            return
        for path, text in error.field_errors.items():
            self.add_error(self.field_for(path), text)

    def field_for(self, path: str) -> str | None:
        """The form field a wire path is about, or None for a form-level error."""
        parts = wire_key(path).split(".")
        for candidate in (path, *(".".join(parts[:end]) for end in range(len(parts), 0, -1))):
            if candidate in self.wire_fields:
                name = self.wire_fields[candidate]
                return name if name in self.fields else None
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in wire_key(path))
        return snake if snake in self.fields else None
