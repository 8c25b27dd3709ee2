"""Loads the fixed catalogue (permissions, bundles, roles) of contract §1.13 from identity.catalog."""

from django.db import migrations


def load_catalogue(apps, schema_editor):
    from localplatform.identity import catalog

    catalog.load(apps)


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
