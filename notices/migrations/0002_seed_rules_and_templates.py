"""Seed rules and texts (admins change them later): late, carrier exceptions (with the shop
platform's fulfilment statuses for delay, failed and attempted delivery), no scan for 72
hours in transit, sending hours 09:00-21:00 in the customer's time zone, and the seeds'
proactive message: "I'm tracking your order #… and noticed it's been delayed… New estimated
delivery: … As an apology, …"."""

from datetime import time

from django.db import migrations

EXCEPTION_STATUSES = [
    # code, name, English wording, Chinese wording, keywords (refine a generic exception)
    ("lost", "Lost", "reported lost by the carrier", "被快递公司报告丢失",
     "lost, 丢失, 遗失"),
    ("damaged", "Damaged", "reported damaged in transit", "在运输途中受损",
     "damaged, broken, 破损, 损坏"),
    ("returned_to_sender", "Returned to sender", "being returned to us", "正在退回给我们",
     "return to sender, returned to sender, 退回"),
    ("address_problem", "Address problem",
     "on hold because of a problem with the delivery address", "因收货地址有问题而暂停派送",
     "address, 地址"),
    ("customs_hold", "Customs hold", "held at customs", "在海关清关时被暂扣",
     "customs, 海关, 清关"),
    ("weather", "Weather", "delayed by bad weather", "因恶劣天气延误",
     "weather, storm, typhoon, snow, flood, 天气, 台风, 暴雨, 暴雪, 洪水"),
    ("returned", "Returned", "being returned to us", "正在退回给我们", ""),
    ("attempted_delivery", "Delivery attempted",
     "not delivered yet: the courier tried but could not hand it over",
     "暂未签收：快递员尝试派送但未能成功", ""),
    ("failed_delivery", "Delivery failed", "not delivered: the delivery failed",
     "派送失败", ""),
    ("failure", "Delivery failed (shop platform)", "not delivered: the delivery failed",
     "派送失败", ""),
    ("delayed", "Delayed (shop platform)", "delayed by the carrier", "被快递公司延误", ""),
    ("exception", "Carrier exception", "held up by a problem at the carrier",
     "在快递公司处出现异常", ""),
]

EN_FOOTER = """New estimated delivery: {{new_estimate}}
Carrier: {{carrier}}
Tracking number: {{tracking_number}}
Track your package here: {{tracking_link}}

As an apology for the delay, I'd like to offer you {{coupon_value}} off your next order with the code {{coupon_code}} (valid until {{coupon_expires}}).

I'll keep you updated. If you have any questions, just reply to this email.
Thanks for your patience!
{{shop_name}}"""

ZH_FOOTER = """新的预计送达日期：{{new_estimate}}
快递公司：{{carrier}}
运单号：{{tracking_number}}
物流查询：{{tracking_link}}

为表歉意，送您一张优惠券：下次购物可优惠{{coupon_value}}，优惠码 {{coupon_code}}（{{coupon_expires}}前有效）。

我会继续帮您跟进物流进展。如有任何问题，直接回复这封邮件即可。
感谢您的耐心等待！
{{shop_name}}"""

TEMPLATES = {
    ("late", "en"): (
        "Your order #{{order_number}} is running late",
        "Hi {{customer_name}},\n\nI'm tracking your order #{{order_number}} and noticed it's "
        "been delayed: it was due by {{promised_date}} and hasn't arrived yet. I'm so sorry "
        "about this! I'm keeping a close eye on it for you.\n\n" + EN_FOOTER),
    ("exception", "en"): (
        "An update on your order #{{order_number}}",
        "Hi {{customer_name}},\n\nI'm tracking your order #{{order_number}} and noticed it's "
        "been delayed: {{carrier}} reports that your parcel is {{problem}}. I'm so sorry "
        "about this! We're on it.\n\n" + EN_FOOTER),
    ("stalled", "en"): (
        "Your order #{{order_number}} is taking longer than expected",
        "Hi {{customer_name}},\n\nI'm tracking your order #{{order_number}} and noticed it's "
        "been delayed: there has been no tracking update from {{carrier}} since "
        "{{last_scan}}. I'm so sorry about this! I'm keeping a close eye on it for you.\n\n"
        + EN_FOOTER),
    ("late", "zh-hans"): (
        "您的订单#{{order_number}}配送延误了",
        "{{customer_name}}，您好！\n\n我一直在跟踪您的订单#{{order_number}}，发现它延误了：原定"
        "{{promised_date}}前送达，目前还没有到。非常抱歉！我会密切关注它的动态。\n\n" + ZH_FOOTER),
    ("exception", "zh-hans"): (
        "您的订单#{{order_number}}物流有新情况",
        "{{customer_name}}，您好！\n\n我一直在跟踪您的订单#{{order_number}}，发现它延误了："
        "{{carrier}}反馈您的包裹{{problem}}。非常抱歉！我们正在处理。\n\n" + ZH_FOOTER),
    ("stalled", "zh-hans"): (
        "您的订单#{{order_number}}物流比预期慢",
        "{{customer_name}}，您好！\n\n我一直在跟踪您的订单#{{order_number}}，发现它延误了：自"
        "{{last_scan}}以来，{{carrier}}一直没有新的物流信息。非常抱歉！我会密切关注它的动态。"
        "\n\n" + ZH_FOOTER),
}


def seed(apps, schema_editor):
    apps.get_model("notices", "NoticeRules").objects.update_or_create(pk=1, defaults={
        "late_enabled": True, "exception_enabled": True, "stalled_enabled": True,
        "stalled_after_hours": 72, "send_from": time(9, 0), "send_until": time(21, 0),
        "holdout_percent": 0,
    })
    apps.get_model("notices", "SweepState").objects.get_or_create(pk=1)
    ExceptionStatus = apps.get_model("notices", "ExceptionStatus")
    for position, (code, label, en, zh, keywords) in enumerate(EXCEPTION_STATUSES):
        ExceptionStatus.objects.update_or_create(code=code, defaults={
            "label": label, "description": en, "description_zh_hans": zh,
            "keywords": keywords, "enabled": True, "position": position * 10})
    NoticeTemplate = apps.get_model("notices", "NoticeTemplate")
    for (reason, language), (subject, body) in TEMPLATES.items():
        NoticeTemplate.objects.update_or_create(reason=reason, language=language,
                                                defaults={"subject": subject, "body": body})


def unseed(apps, schema_editor):
    for name in ("NoticeTemplate", "ExceptionStatus", "NoticeRules", "SweepState"):
        apps.get_model("notices", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("notices", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
