"""Defaults an admin changes later: the tier-up texts from the seeds ("You've reached Silver
status..."), optional milestone texts (off until an admin turns them on), authority limits per
role, the notice coupon budget, points settings, and the loyalty permissions of the roles."""

from decimal import Decimal

from django.contrib.auth.management import create_permissions
from django.db import migrations

TIER_UP = {
    # tier name: (English name, Chinese name, active)
    "Bronze": ("Bronze", "铜卡", False),
    "Silver": ("Silver", "银卡", True),
    "Gold": ("Gold", "金卡", True),
}
TIER_UP_EN_SUBJECT = "You've reached {name} status"
TIER_UP_EN_BODY = (
    "Hi {{customer_name}}! Great news! 🎉\n"
    "You've reached {name} status in our loyalty program!\n"
    "Here's what that means:\n"
    "{{perks}}\n"
    "Your {name} status never expires - enjoy!\n"
    "Thanks for being such an amazing customer! 💕"
)
TIER_UP_ZH_SUBJECT = "恭喜您成为{name}会员"
TIER_UP_ZH_BODY = (
    "{{customer_name}}您好！好消息 🎉\n"
    "您已成为我们会员计划的{name}会员！\n"
    "您将享受以下权益：\n"
    "{{perks}}\n"
    "您的{name}会员身份永久有效，尽情享受吧！\n"
    "感谢您一直以来的支持！💕"
)
MILESTONES = [
    # kind, nth_order, language, subject, body
    ("nth_order", 10, "en", "Thank you for your 10th order!",
     "Hi {{customer_name}}! Guess what? You've just placed your 10th order with us! 🎉\n"
     "I really appreciate your support! You're one of our favourite customers, and we wanted "
     "to make sure you know how much we value you! 💕\n"
     "Let us know if there's ever anything we can help you with! 😊"),
    ("nth_order", 10, "zh-hans", "感谢您的第10个订单！",
     "{{customer_name}}您好！您刚刚在我们这里下了第10个订单 🎉\n"
     "非常感谢您的支持！您是我们最珍视的顾客之一 💕\n有任何需要，随时告诉我们！😊"),
    ("anniversary", None, "en", "Happy anniversary from {{shop_name}}!",
     "Hi {{customer_name}}! Guess what? You've been a valued customer for {{years}} year(s) "
     "now! 🎉\nI really appreciate your support! Let us know if there's ever anything we can "
     "help you with! 😊"),
    ("anniversary", None, "zh-hans", "{{shop_name}}感谢您{{years}}年的陪伴！",
     "{{customer_name}}您好！您成为我们的顾客已经{{years}}年了 🎉\n"
     "非常感谢您一直以来的支持！有任何需要，随时告诉我们！😊"),
    ("birthday", None, "en", "Happy birthday, {{customer_name}}!",
     "Hi {{customer_name}}! Happy birthday from all of us at {{shop_name}}! 🎂\n"
     "Thank you for being part of our story. 💕"),
    ("birthday", None, "zh-hans", "{{customer_name}}，生日快乐！",
     "{{customer_name}}您好！{{shop_name}}全体同仁祝您生日快乐！🎂\n感谢您一路以来的陪伴 💕"),
]
AUTHORITY = [
    # role, per grant, percent, per month, grants per month
    ("agent", Decimal("50"), Decimal("15"), Decimal("500"), 20),
    ("manager", Decimal("300"), Decimal("30"), Decimal("5000"), None),
    ("admin", None, None, None, None),
]
MANAGER_VIEW = ["tier", "membership", "tierchange", "tieraward", "wallet", "pointsentry",
                "storecreditentry", "coupon", "storecreditgrant",
                "authoritylimit", "noticebudget", "loyaltysettings", "messagetemplate",
                "milestonesent", "ordersync"]


def seed(apps, schema_editor):
    Tier = apps.get_model("loyalty", "Tier")
    MessageTemplate = apps.get_model("loyalty", "MessageTemplate")
    for tier in Tier.objects.filter(name__in=TIER_UP):
        en_name, zh_name, active = TIER_UP[tier.name]
        MessageTemplate.objects.update_or_create(
            kind="tier_up", tier=tier, language="en",
            defaults={"subject": TIER_UP_EN_SUBJECT.replace("{name}", en_name),
                      "body": TIER_UP_EN_BODY.replace("{name}", en_name), "is_active": active})
        MessageTemplate.objects.update_or_create(
            kind="tier_up", tier=tier, language="zh-hans",
            defaults={"subject": TIER_UP_ZH_SUBJECT.replace("{name}", zh_name),
                      "body": TIER_UP_ZH_BODY.replace("{name}", zh_name), "is_active": active})
    for kind, nth, language, subject, body in MILESTONES:
        MessageTemplate.objects.update_or_create(
            kind=kind, nth_order=nth, language=language,
            defaults={"subject": subject, "body": body, "is_active": False})

    AuthorityLimit = apps.get_model("loyalty", "AuthorityLimit")
    for role, per_grant, percent, per_month, grants in AUTHORITY:
        AuthorityLimit.objects.update_or_create(role=role, defaults={
            "max_amount_per_grant": per_grant, "max_percent_per_grant": percent,
            "max_amount_per_month": per_month, "max_grants_per_month": grants})
    apps.get_model("loyalty", "NoticeBudget").objects.get_or_create(pk=1)
    apps.get_model("loyalty", "LoyaltySettings").objects.get_or_create(pk=1)

    loyalty = apps.get_app_config("loyalty")
    loyalty.models_module = True
    create_permissions(loyalty, verbosity=0, apps=apps)
    loyalty.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="loyalty")
    admin = Group.objects.filter(name="admin").first()
    if admin:
        admin.permissions.add(*perms)
    manager = Group.objects.filter(name="manager").first()
    if manager:
        manager.permissions.add(*perms.filter(codename__in=[f"view_{m}" for m in MANAGER_VIEW]))


def unseed(apps, schema_editor):
    apps.get_model("loyalty", "MessageTemplate").objects.all().delete()
    apps.get_model("loyalty", "AuthorityLimit").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("loyalty", "0003_tier_rules_membership_ledgers_grants"),
        ("helpdesk", "0002_roles"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
