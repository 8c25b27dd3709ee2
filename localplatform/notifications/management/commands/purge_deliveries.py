"""Delete notification deliveries older than 30 days (contract §4.4)."""

from django.core.management.base import BaseCommand

from localplatform.notifications import pipeline


class Command(BaseCommand):
    help = "Delete notification deliveries older than --days (default 30)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="keep deliveries younger than this many days")

    def handle(self, *args, days: int, **options):
        count = pipeline.purge(days)
        self.stdout.write(f"Deleted {count} notification deliveries older than {days} days.")
