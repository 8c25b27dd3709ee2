"""URL path converters: `<id:member_id>` matches a platform id and nothing else."""

from django.urls import register_converter


class PlatformId:
    """Contract §1.2: upper-case letters and digits, 1 to 20 characters. Anything else is this console's 404."""

    regex = "[A-Z0-9]{1,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(PlatformId, "id")
