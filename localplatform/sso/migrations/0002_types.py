"""Loads the fixed identity-provider type catalogue of contract §2.2 from sso.catalog."""

from django.db import migrations


def load_catalogue(apps, schema_editor):
    from localplatform.sso import catalog

    catalog.load(apps)


class Migration(migrations.Migration):
    dependencies = [("sso", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
