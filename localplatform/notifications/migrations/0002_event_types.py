"""Loads the fixed event-type catalogue of contract §2.7 from notifications.catalog."""

from django.db import migrations


def load_catalogue(apps, schema_editor):
    from localplatform.notifications import catalog

    catalog.load(apps)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
