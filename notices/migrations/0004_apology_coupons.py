"""Apology coupons by tier, seeded: Silver ¥10 and Gold ¥20 off the next order, valid 30
days (within the loyalty notice budget's default ¥20 per grant); Bronze none."""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

SEED = {"Silver": Decimal("10"), "Gold": Decimal("20")}


def seed(apps, schema_editor):
    Tier = apps.get_model("loyalty", "Tier")
    ApologyCoupon = apps.get_model("notices", "ApologyCoupon")
    for name, amount in SEED.items():
        if tier := Tier.objects.filter(name=name).first():
            ApologyCoupon.objects.update_or_create(tier=tier, defaults={
                "amount_off": amount, "percent_off": None, "valid_days": 30, "enabled": True})
    notices = apps.get_app_config("notices")
    notices.models_module = True
    create_permissions(notices, verbosity=0, apps=apps)
    notices.models_module = None
    Permission = apps.get_model("auth", "Permission")
    if admin := apps.get_model("auth", "Group").objects.filter(name="admin").first():
        admin.permissions.add(*Permission.objects.filter(
            content_type__app_label="notices", codename__endswith="_apologycoupon"))


def unseed(apps, schema_editor):
    apps.get_model("notices", "ApologyCoupon").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ('loyalty', '0002_seed_tiers'),
        ('notices', '0003_role_permissions'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApologyCoupon',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('percent_off', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(100)], verbose_name='percent off')),
                ('amount_off', models.DecimalField(blank=True, decimal_places=2, max_digits=12, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0.01'))], verbose_name='amount off')),
                ('valid_days', models.PositiveSmallIntegerField(default=30, validators=[django.core.validators.MinValueValidator(1)], verbose_name='valid for (days)')),
                ('enabled', models.BooleanField(default=True, verbose_name='enabled')),
                ('tier', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='apology_coupon', to='loyalty.tier', verbose_name='tier')),
            ],
            options={
                'verbose_name': 'apology coupon',
                'verbose_name_plural': 'apology coupons',
                'ordering': ['tier__rank'],
            },
        ),
        migrations.RunPython(seed, unseed),
    ]
