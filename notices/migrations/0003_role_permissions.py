"""The notices models' permissions for the roles: admins edit rules and templates, managers
may look at the delay episodes and notices."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MANAGER_VIEW = ["view_delayepisode", "view_delaynotice"]


def grant(apps, schema_editor):
    notices = apps.get_app_config("notices")
    notices.models_module = True
    create_permissions(notices, verbosity=0, apps=apps)
    notices.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="notices")
    if admin := Group.objects.filter(name="admin").first():
        admin.permissions.add(*perms)
    if manager := Group.objects.filter(name="manager").first():
        manager.permissions.add(*perms.filter(codename__in=MANAGER_VIEW))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="notices")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=["admin", "manager"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_seed_rules_and_templates"),
        ("helpdesk", "0002_roles"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
