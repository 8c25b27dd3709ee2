"""Loads the fixed catalogue (permissions, bundles, roles) of contract §1.13 from identity.catalog."""

from django.db import migrations


def load_catalogue(apps, schema_editor):
    from localplatform.identity import catalog

    Permission = apps.get_model("identity", "Permission")
    PermissionBundle = apps.get_model("identity", "PermissionBundle")
    Role = apps.get_model("identity", "Role")
    for relation, (description, object_types, system_only) in catalog.PERMISSIONS.items():
        Permission.objects.update_or_create(
            relation=relation,
            defaults={
                "description": description,
                "valid_object_types": object_types,
                "system_only": system_only,
            },
        )
    for position, (key, (name, description, relations)) in enumerate(catalog.BUNDLES.items()):
        bundle, _ = PermissionBundle.objects.update_or_create(
            key=key, defaults={"name": name, "description": description, "position": position}
        )
        bundle.permissions.set(relations)
    for position, spec in enumerate(catalog.ROLES):
        role, _ = Role.objects.update_or_create(
            key=spec.key,
            defaults={
                "scope": spec.scope,
                "name": spec.name,
                "description": spec.description,
                "all_teams": spec.all_teams,
                "break_glass": spec.break_glass,
                "position": position,
            },
        )
        role.permissions.set(spec.relations)


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]
    operations = [migrations.RunPython(load_catalogue, migrations.RunPython.noop)]
