"""`manage.py openapi_snapshot`: write the local platform's OpenAPI document to the reviewed snapshot."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

SNAPSHOT = Path(settings.BASE_DIR) / "tests" / "contract" / "openapi.json"


def render_openapi() -> str:
    """The OpenAPI document exactly as GET /api/v1/openapi.json serves it, in a stable, diffable layout."""
    from localplatform.api.app import api

    served = json.loads(json.dumps(api.get_openapi_schema()))  # as on the wire: status codes become strings
    return json.dumps(served, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # needs only the API, not the whole project
    help = "Write the OpenAPI document of /api/v1 to tests/contract/openapi.json (the snapshot under review)."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=SNAPSHOT, help=f"Where to write (default: {SNAPSHOT}).")

    def handle(self, *args, output: Path, **options):
        output.parent.mkdir(parents=True, exist_ok=True)
        text = render_openapi()
        unchanged = output.exists() and output.read_text() == text
        output.write_text(text)
        self.stdout.write(f"{output}: {'unchanged' if unchanged else 'written'}")
