"""Factories for reply templates and macros."""

import factory

from replies.models import Macro, ReplyTemplate, TemplateCategory


class ReplyTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReplyTemplate

    category = TemplateCategory.COMMON_QUESTIONS
    name = factory.Sequence(lambda n: f"Template {n}")
    body_en = "Hi {{customer_name}}, thanks for writing to {{shop_name}}."
    body_zh_hans = "{{customer_name}}您好，感谢您联系{{shop_name}}。"


class MacroFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Macro

    name = factory.Sequence(lambda n: f"Macro {n}")
    template = factory.SubFactory(ReplyTemplateFactory)
