"""The agent, manager and admin groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AGENT = {
    "tickets": {"ticket": "vca", "message": "va", "attachment": "va", "team": "v",
                "ticketevent": "v"},
    "customers": {"customer": "vc", "customeridentity": "v", "order": "v", "orderline": "v",
                  "shipment": "v", "trackingevent": "v"},
    "loyalty": {"tier": "v"},
    "taggit": {"tag": "va"},
}
MANAGER_EXTRA = {
    "tickets": {"team": "vc"},
    "helpdesk": {"auditentry": "v"},
}
CODES = {"v": "view", "c": "change", "a": "add", "d": "delete"}


def _permissions(Permission, spec):
    perms = []
    for app_label, models in spec.items():
        for model, codes in models.items():
            for code in codes:
                perms.append(Permission.objects.get(
                    content_type__app_label=app_label, codename=f"{CODES[code]}_{model}"))
    return perms


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    agent, _ = Group.objects.get_or_create(name="agent")
    agent.permissions.set(_permissions(Permission, AGENT))
    manager, _ = Group.objects.get_or_create(name="manager")
    manager.permissions.set(_permissions(Permission, AGENT) + _permissions(Permission, MANAGER_EXTRA))
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.set(Permission.objects.all())


def drop_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["agent", "manager", "admin"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("tickets", "0001_initial"),
        ("customers", "0001_initial"),
        ("loyalty", "0002_seed_tiers"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]
    operations = [migrations.RunPython(create_roles, drop_roles)]
