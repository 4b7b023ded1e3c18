"""Forms of the loyalty pages. They validate input; the services decide and write."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import Tier
from .services.messages import PLACEHOLDERS, unknown_placeholders


class CouponForm(forms.Form):
    PERCENT = "percent"
    AMOUNT = "amount"

    kind = forms.ChoiceField(label=_("Coupon"), choices=[(PERCENT, _("Percent off")),
                                                         (AMOUNT, _("Amount off"))],
                             initial=PERCENT, widget=forms.RadioSelect)
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2,
                               min_value=Decimal("0.01"))
    valid_days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366,
                                    initial=30)
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Field("kind", wrapper_class="mb-1"),
            Div(Div("value", css_class="col-6"), Div("valid_days", css_class="col-6"),
                css_class="row g-2"),
            "reason",
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == self.PERCENT and data.get("value") and data["value"] > 100:
            self.add_error("value", _("Percent off cannot be more than 100."))
        return data

    def coupon_value(self) -> dict:
        key = "percent_off" if self.cleaned_data["kind"] == self.PERCENT else "amount_off"
        return {key: self.cleaned_data["value"]}


class StoreCreditForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2,
                                min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("Reason"), max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class LinesField(forms.CharField):
    """A list of strings edited as one line each."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class TierForm(forms.ModelForm):
    perks = LinesField(label=_("Perks (one per line)"), required=False)
    perks_zh_hans = LinesField(label=_("Perks in Chinese (one per line)"), required=False)
    badge_colour = forms.RegexField(label=_("Badge colour"), regex=r"^#[0-9a-fA-F]{6}$",
                                    widget=forms.TextInput(attrs={"type": "color"}))
    discount_percent = forms.DecimalField(label=_("Discount %"), max_digits=5, decimal_places=2,
                                          validators=[MinValueValidator(0),
                                                      MaxValueValidator(100)])

    class Meta:
        model = Tier
        fields = ["name", "name_zh_hans", "rank", "min_orders", "min_spend", "qualify_by",
                  "window_months", "downgrade", "grace_days", "discount_percent", "perks",
                  "perks_zh_hans", "priority_service", "badge_colour"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("Tier"), Div(Div("name", css_class="col-md-4"),
                                    Div("name_zh_hans", css_class="col-md-4"),
                                    Div("rank", css_class="col-md-2"),
                                    Div("badge_colour", css_class="col-md-2"),
                                    css_class="row")),
            Fieldset(_("Thresholds"), Div(Div("min_orders", css_class="col-md-3"),
                                          Div("min_spend", css_class="col-md-3"),
                                          Div("qualify_by", css_class="col-md-3"),
                                          Div("window_months", css_class="col-md-3"),
                                          css_class="row")),
            Fieldset(_("Downgrade"), Div(Div("downgrade", css_class="col-md-6"),
                                         Div("grace_days", css_class="col-md-6"),
                                         css_class="row")),
            Fieldset(_("Benefits"), Div(Div("discount_percent", css_class="col-md-3"),
                                        Div("priority_service", css_class="col-md-9 pt-4"),
                                        css_class="row"),
                     Div(Div("perks", css_class="col-md-6"),
                         Div("perks_zh_hans", css_class="col-md-6"), css_class="row")),
            Submit("save", _("Save tier")),
        )

    def clean(self):
        data = super().clean()
        if data.get("min_orders") is None and data.get("min_spend") is None:
            raise forms.ValidationError(
                _("Set a minimum order count, a minimum spend, or both."))
        return data


def check_placeholders(text: str) -> None:
    unknown = unknown_placeholders(text)
    if unknown:
        raise forms.ValidationError(
            _("Unknown placeholders: %(unknown)s. Use: %(known)s.")
            % {"unknown": ", ".join(sorted(unknown)),
               "known": ", ".join("{{" + p + "}}" for p in sorted(PLACEHOLDERS))})
