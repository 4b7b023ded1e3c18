from django import forms
from django.utils.translation import gettext_lazy as _


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Email, phone, shop id, social handle, order or tracking number"),
                        max_length=254, required=False)


class ProfileForm(forms.Form):
    """What an agent may change on a customer: notes and tags."""

    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 4}),
                            required=False, max_length=10000)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=1000,
                           help_text=_("Separated by commas."))

    def clean_tags(self) -> list[str]:
        return [tag.strip() for tag in self.cleaned_data["tags"].split(",") if tag.strip()]


class MergeForm(forms.Form):
    source = forms.IntegerField(widget=forms.HiddenInput)
