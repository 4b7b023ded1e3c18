from django import forms
from django.utils.translation import gettext_lazy as _

from tickets.models import Status

from .models import Macro, ReplyTemplate, split_tags
from .rendering import FILL_INS, VARIABLES, template_problems


def placeholder_help() -> str:
    names = ", ".join("{{" + name + "}}" for name in VARIABLES)
    fill_ins = ", ".join("{{" + name + "}}" for name in FILL_INS)
    return str(_("Filled from the ticket: %(names)s. Written by the agent: %(fill_ins)s and "
                 "any [words in brackets].") % {"names": names, "fill_ins": fill_ins})


class TemplateBodiesForm(forms.ModelForm):
    """Checks a template's bodies at save time: an unknown placeholder or a template tag is
    an error on the body that has it."""

    def clean_tags(self):
        return ", ".join(split_tags(self.cleaned_data.get("tags", "")))

    def clean(self):
        cleaned = super().clean()
        for name in ("body_en", "body_zh_hans"):
            for problem in template_problems(cleaned.get(name) or ""):
                self.add_error(name, problem)
        if ("body_en" in self.fields and not (cleaned.get("body_en") or "").strip()
                and not (cleaned.get("body_zh_hans") or "").strip()):
            raise forms.ValidationError(_("Write the body in at least one language."))
        return cleaned


class ReplyTemplateAdminForm(TemplateBodiesForm):
    class Meta:
        model = ReplyTemplate
        fields = ["category", "name", "name_zh_hans", "body_en", "body_zh_hans", "tags", "owner",
                  "is_active"]
        widgets = {"body_en": forms.Textarea(attrs={"rows": 10, "cols": 80}),
                   "body_zh_hans": forms.Textarea(attrs={"rows": 10, "cols": 80})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("body_en", "body_zh_hans"):
            if name in self.fields:
                self.fields[name].help_text = placeholder_help()


class PersonalTemplateForm(TemplateBodiesForm):
    class Meta:
        model = ReplyTemplate
        fields = ["category", "name", "name_zh_hans", "body_en", "body_zh_hans", "tags"]
        widgets = {"body_en": forms.Textarea(attrs={"rows": 8}),
                   "body_zh_hans": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["body_en"].help_text = placeholder_help()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = ReplyTemplate.objects.filter(owner=self.owner, name=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("You already have a template with this name."))
        return name


class MacroAdminForm(forms.ModelForm):
    class Meta:
        model = Macro
        fields = ["name", "name_zh_hans", "template", "set_status", "set_priority", "set_team",
                  "add_tags", "assign_to_me", "owner", "is_active"]

    def clean_add_tags(self):
        return ", ".join(split_tags(self.cleaned_data.get("add_tags", "")))

    def clean(self):
        cleaned = super().clean()
        does_something = (cleaned.get("template") or cleaned.get("set_status")
                          or cleaned.get("set_priority") or cleaned.get("set_team")
                          or cleaned.get("add_tags") or cleaned.get("assign_to_me"))
        if not does_something:
            raise forms.ValidationError(
                _("A macro needs a reply template or at least one field change."))
        template = cleaned.get("template")
        owner = cleaned.get("owner")
        if template is not None and template.owner_id and template.owner_id != getattr(
                owner, "pk", None):
            self.add_error("template", _("A shared macro cannot use someone's personal "
                                         "template; pick a shared one or set the same owner."))
        if cleaned.get("set_status") == Status.NEW:
            self.add_error("set_status", _("A macro cannot set a ticket back to New."))
        return cleaned
