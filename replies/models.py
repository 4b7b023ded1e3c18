from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from tickets.models import Priority, Status, Team


class TemplateCategory(models.TextChoices):
    """The seeds' template categories."""

    GREETING = "greeting", _("Greeting")
    COMMON_QUESTIONS = "common_questions", _("Common questions")
    OBJECTION_HANDLING = "objection_handling", _("Objection handling")
    ISSUE_RESOLUTION = "issue_resolution", _("Issue resolution")
    CLOSING = "closing_follow_up", _("Closing and follow-up")
    SPECIAL = "special_situations", _("Special situations")


def split_tags(value: str) -> list[str]:
    """'Shipping, delay,,shipping ' -> ['shipping', 'delay']: trimmed, lower-case, unique."""
    seen: dict[str, None] = {}
    for part in value.replace("，", ",").split(","):
        tag = part.strip().lower()
        if tag:
            seen.setdefault(tag[:50], None)
    return list(seen)


def is_chinese(language: str | None) -> bool:
    return bool(language) and language.lower().startswith("zh")


class OwnedQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        """Shared rows and the user's own personal ones."""
        return self.filter(Q(owner__isnull=True) | Q(owner=user))


class ReplyTemplate(models.Model):
    """A reply an agent starts from: a body per language with {{placeholders}} and
    [fill-ins]. Shared (no owner) or personal to one agent."""

    category = models.CharField(_("category"), max_length=24, choices=TemplateCategory.choices)
    name = models.CharField(_("name"), max_length=120)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    body_en = models.TextField(_("body (English)"), blank=True, max_length=10000)
    body_zh_hans = models.TextField(_("body (Chinese)"), blank=True, max_length=10000)
    tags = models.CharField(_("tags"), max_length=300, blank=True,
                            help_text=_("Comma-separated words the composer search also finds."))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True,
                              blank=True, on_delete=models.CASCADE,
                              related_name="reply_templates",
                              help_text=_("Empty: shared with every agent. Set: personal."))
    usage_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-usage_count", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=Q(owner__isnull=True),
                                    name="replytemplate_unique_shared_name"),
            models.UniqueConstraint(fields=["owner", "name"],
                                    name="replytemplate_unique_personal_name"),
            models.CheckConstraint(condition=~Q(body_en="", body_zh_hans=""),
                                   name="replytemplate_has_a_body"),
        ]
        indexes = [
            # The composer's "most used first" list reads this index in order.
            models.Index(fields=["-usage_count", "name", "id"], condition=Q(is_active=True),
                         name="replytemplate_most_used"),
        ]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")

    def __str__(self):
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.tags)

    def display_name(self, language: str | None = None) -> str:
        language = language or get_language()
        return self.name_zh_hans if is_chinese(language) and self.name_zh_hans else self.name

    def body_for(self, language: str | None) -> tuple[str, str]:
        """The body in `language`, falling back to the other one; and the language used."""
        if is_chinese(language):
            return (self.body_zh_hans, "zh-hans") if self.body_zh_hans else (self.body_en, "en")
        return (self.body_en, "en") if self.body_en else (self.body_zh_hans, "zh-hans")


class Macro(models.Model):
    """One click in the composer: a reply template plus field changes on the ticket."""

    name = models.CharField(_("name"), max_length=120)
    name_zh_hans = models.CharField(_("name (Chinese)"), max_length=120, blank=True)
    template = models.ForeignKey(ReplyTemplate, verbose_name=_("reply template"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="macros")
    set_status = models.CharField(_("set status"), max_length=16, choices=Status.choices,
                                  blank=True)
    set_priority = models.CharField(_("set priority"), max_length=16, choices=Priority.choices,
                                    blank=True)
    set_team = models.ForeignKey(Team, verbose_name=_("move to team"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    add_tags = models.CharField(_("add tags"), max_length=300, blank=True,
                                help_text=_("Comma-separated tags added to the ticket."))
    assign_to_me = models.BooleanField(
        _("assign to the agent"), default=False,
        help_text=_("The agent applying the macro takes the ticket."))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True,
                              blank=True, on_delete=models.CASCADE, related_name="reply_macros",
                              help_text=_("Empty: shared with every agent. Set: personal."))
    usage_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["-usage_count", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name"], condition=Q(owner__isnull=True),
                                    name="macro_unique_shared_name"),
            models.UniqueConstraint(fields=["owner", "name"], name="macro_unique_personal_name"),
        ]
        verbose_name = _("macro")
        verbose_name_plural = _("macros")

    def __str__(self):
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return split_tags(self.add_tags)

    def display_name(self, language: str | None = None) -> str:
        language = language or get_language()
        return self.name_zh_hans if is_chinese(language) and self.name_zh_hans else self.name

    @property
    def changes_fields(self) -> bool:
        return bool(self.set_status or self.set_priority or self.set_team_id or self.add_tags
                    or self.assign_to_me)
