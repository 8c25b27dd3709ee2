"""Member.search_text: the lower-cased names and email member search reads (no join with users).

On PostgreSQL a pg_trgm GIN index makes the substring search an index lookup. Creating the extension
needs a role that may do so (pg_trgm is a trusted extension from PostgreSQL 13); without it the index
is skipped and search stays a scan of one narrow column.
"""

from django.db import migrations, models, transaction


def fill_search_text(apps, schema_editor):
    Member = apps.get_model("identity", "Member")
    for member in Member.objects.select_related("user").iterator():
        user = member.user
        text = " ".join((user.display_name, user.given_name, user.family_name, user.email)).lower()
        Member.objects.filter(pk=member.pk).update(search_text=text)


def trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            schema_editor.execute(
                "CREATE INDEX IF NOT EXISTS member_search_trgm ON identity_member USING gin (search_text gin_trgm_ops)"
            )
    except Exception as error:  # noqa: BLE001 - no permission to create the extension: search works, unindexed
        print(f"\n  member search: trigram index not created ({error}); search scans one column instead")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS member_search_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0003_invitations"),
    ]

    operations = [
        migrations.AddField(
            model_name="member",
            name="search_text",
            field=models.CharField(default="", max_length=1024),
        ),
        migrations.AddIndex(
            model_name="member",
            index=models.Index(fields=["organization", "search_text"], name="member_org_search"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
        migrations.RunPython(trigram_index, drop_trigram_index),
    ]
