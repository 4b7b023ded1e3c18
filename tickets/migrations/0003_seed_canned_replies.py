"""Three shared reply templates from the seed guides (shipping time answer, late shipping
apology, damaged product), in English and Simplified Chinese."""

from django.db import migrations

SEEDS = [
    {
        "name": "Shipping time answer",
        "body_en": (
            "Hi {{customer_name}},\n\n"
            "Thanks for asking! We ship within 24 hours of your order. Delivery takes 3-7 days "
            "depending on your location:\n"
            "- Beijing/Shanghai/Guangzhou: 3-4 days\n"
            "- Other tier 1 cities: 4-5 days\n"
            "- Tier 2/3 cities: 5-7 days\n\n"
            "Free shipping on orders over ¥199! Need it faster? Let me know, I might be able to "
            "arrange expedited shipping.\n\n"
            "{{agent_name}}, {{shop_name}}"
        ),
        "body_zh_hans": (
            "{{customer_name}}您好，\n\n"
            "感谢您的咨询！我们会在下单后24小时内发货，送达时间视地区而定，一般为3-7天：\n"
            "- 北京/上海/广州：3-4天\n"
            "- 其他一线城市：4-5天\n"
            "- 二三线城市：5-7天\n\n"
            "订单满¥199包邮！如需更快送达，请告诉我，我可以尽量为您安排加急配送。\n\n"
            "{{shop_name}} {{agent_name}}"
        ),
    },
    {
        "name": "Late shipping apology",
        "body_en": (
            "Hi {{customer_name}},\n\n"
            "I'm so sorry your order #{{order_number}} is late! I completely understand your "
            "frustration - waiting for something you ordered is the worst.\n\n"
            "I've checked tracking number {{tracking_number}}: your parcel was delayed at the "
            "shipping centre. I've asked our shipping partner to prioritise it, and I'll "
            "personally track it and update you until it arrives.\n\n"
            "Thank you for your patience! Is there anything else I can do for you?\n\n"
            "{{agent_name}}, {{shop_name}}"
        ),
        "body_zh_hans": (
            "{{customer_name}}您好，\n\n"
            "非常抱歉，您的订单#{{order_number}}延迟了！完全理解您的心情，等待自己买的东西确实让人着急。\n\n"
            "我已查询运单号{{tracking_number}}：包裹在物流中心出现了延误。我已联系物流合作方优先处理，"
            "并会亲自跟进，直到您收到包裹为止，期间会随时向您更新进展。\n\n"
            "感谢您的耐心！还有什么可以帮您的吗？\n\n"
            "{{shop_name}} {{agent_name}}"
        ),
    },
    {
        "name": "Damaged product",
        "body_en": (
            "Oh no, {{customer_name}}! I'm so sorry your order #{{order_number}} arrived "
            "damaged. That's completely unacceptable.\n\n"
            "I'm going to fix this right away: a replacement is on its way to you, and there is "
            "no need to return the damaged item. You'll receive the tracking number by email.\n\n"
            "I've also flagged this with our shipping team to prevent it from happening again. "
            "Is there anything else I can do to make this right?\n\n"
            "{{agent_name}}, {{shop_name}}"
        ),
        "body_zh_hans": (
            "{{customer_name}}您好，\n\n"
            "非常抱歉，您的订单#{{order_number}}收到时商品有破损，这是我们的失误。\n\n"
            "我马上为您处理：已为您补发新品，破损的商品无需退回，新的运单号会通过邮件发给您。\n\n"
            "我也已将此情况反馈给发货团队，避免再次发生。还有什么可以为您做的吗？\n\n"
            "{{shop_name}} {{agent_name}}"
        ),
    },
]


def seed(apps, schema_editor):
    CannedReply = apps.get_model("tickets", "CannedReply")
    for row in SEEDS:
        CannedReply.objects.get_or_create(name=row["name"], owner=None, defaults=row)


def unseed(apps, schema_editor):
    CannedReply = apps.get_model("tickets", "CannedReply")
    CannedReply.objects.filter(owner=None, name__in=[row["name"] for row in SEEDS]).delete()


class Migration(migrations.Migration):

    dependencies = [("tickets", "0002_inbox")]

    operations = [migrations.RunPython(seed, unseed)]
