"""Forms of the inbox and the ticket workspace (Bootstrap 5; crispy where a form is laid out)."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Order

from .models import Category, Channel, Priority, Status, Team
from .selectors import BUILT_IN_VIEWS, InboxQuery

ANY = [("", _("Any"))]


class OneOfMany(forms.Select):
    """A plain drop-down that still reads several values (from a link or a saved view)."""

    def value_from_datadict(self, data, files, name):
        getter = getattr(data, "getlist", None)
        values = getter(name) if getter else data.get(name)
        if isinstance(values, str):
            values = [values]
        return [v for v in values or [] if v != ""]


class InboxFilterForm(forms.Form):
    """The inbox's query string: view, search, filters, sort and page cursor."""

    view = forms.CharField(required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.MultipleChoiceField(label=_("Status"), required=False, choices=Status.choices)
    priority = forms.MultipleChoiceField(label=_("Priority"), required=False,
                                         choices=Priority.choices)
    category = forms.MultipleChoiceField(label=_("Category"), required=False,
                                         choices=Category.choices)
    channel = forms.MultipleChoiceField(label=_("Channel"), required=False,
                                        choices=Channel.choices)
    team = forms.TypedMultipleChoiceField(label=_("Team"), required=False, coerce=int)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    tier = forms.TypedMultipleChoiceField(label=_("Tier"), required=False, coerce=int)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=100)
    created_from = forms.DateField(label=_("Created from"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    created_to = forms.DateField(label=_("Created to"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("", _("View default")), ("sla", _("Nearest SLA deadline")), ("newest", _("Newest"))])
    cursor = forms.CharField(required=False, max_length=200)

    FILTERS = ("status", "priority", "category", "channel", "team", "assignee", "tier", "tag",
               "created_from", "created_to")

    def __init__(self, *args, teams=(), agents=(), tiers=(), **kwargs):
        """`agents`: (id, name) pairs, as selectors.agent_choices() gives them."""
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [(t.pk, t.name) for t in teams]
        self.fields["assignee"].choices = [("", _("Anyone")), ("me", _("Me")),
                                           ("none", _("Unassigned"))] + [
            (str(pk), name) for pk, name in agents]
        self.fields["tier"].choices = [(t.pk, t.display_name()) for t in tiers]
        for name in self.FILTERS:
            widget = self.fields[name].widget
            if isinstance(widget, forms.SelectMultiple):
                # One choice from the page; several are accepted from a link or a saved view.
                self.fields[name].widget = OneOfMany(
                    choices=ANY + list(self.fields[name].choices))

    def panel(self) -> list[dict]:
        """The filter panel's fields as plain data: the page prints its own drop-downs.

        (Rendering a dozen selects with a hundred options through the form widgets' templates
        took longer than the rest of the inbox; the form still parses and validates.)
        """
        data = self.cleaned_data if self.is_valid() else {}
        fields = []
        for name in self.FILTERS + ("sort",):
            field = self.fields[name]
            chosen = data.get(name)
            chosen = {str(v) for v in chosen} if isinstance(chosen, list) else \
                ({str(chosen)} if chosen else set())
            entry = {"name": name, "label": field.label, "id": f"filter-{name}",
                     "type": getattr(field.widget, "input_type", "select")}
            if entry["type"] == "select":
                entry["choices"], entry["chosen"] = field.widget.choices, chosen
            else:
                value = data.get(name)
                entry["value"] = value.isoformat() if hasattr(value, "isoformat") else value or ""
            fields.append(entry)
        return fields

    def query(self) -> InboxQuery:
        data = self.cleaned_data if self.is_valid() else {}
        view = data.get("view") or "open"
        if view not in BUILT_IN_VIEWS and not view.startswith(("team-", "channel-")):
            view = "open"
        return InboxQuery(
            view=view, q=data.get("q", ""), status=data.get("status") or [],
            priority=data.get("priority") or [], category=data.get("category") or [],
            channel=data.get("channel") or [], team=data.get("team") or [],
            assignee=data.get("assignee") or "", tier=data.get("tier") or [],
            tag=data.get("tag", ""), created_from=data.get("created_from"),
            created_to=data.get("created_to"), sort=data.get("sort") or "",
            cursor=data.get("cursor") or "",
        )

    def active_filters(self) -> int:
        data = self.cleaned_data if self.is_valid() else {}
        return sum(1 for name in self.FILTERS if data.get(name))


class BulkActionForm(forms.Form):
    ACTIONS = [("assign", _("Assign")), ("team", _("Move to team")),
               ("status", _("Change status")), ("priority", _("Change priority")),
               ("tag", _("Add tag")), ("merge", _("Merge duplicates"))]

    action = forms.ChoiceField(choices=ACTIONS)
    ids = forms.TypedMultipleChoiceField(coerce=int)
    assignee = forms.CharField(required=False)  # "me" or a user id
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    status = forms.ChoiceField(choices=Status.choices, required=False)
    priority = forms.ChoiceField(choices=Priority.choices, required=False)
    tag = forms.CharField(required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        needed = {"assign": "assignee", "team": "team", "status": "status",
                  "priority": "priority", "tag": "tag"}.get(action)
        if needed and not data.get(needed):
            self.add_error(needed, _("Choose a value for this action."))
        if action == "merge" and len(data.get("ids") or []) < 2:
            self.add_error("ids", _("Select at least two tickets to merge."))
        return data


class ComposerForm(forms.Form):
    SEND = [("reply", _("Send")), ("pending", _("Send and mark pending")),
            ("solved", _("Send and mark solved")), ("note", _("Add internal note"))]

    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}),
                           max_length=50_000)
    send = forms.ChoiceField(choices=SEND, initial="reply")
    seen_message_id = forms.IntegerField(min_value=0, required=False)


class TicketFieldsForm(forms.Form):
    """The workspace header: each field is changed on its own (htmx on change)."""

    status = forms.ChoiceField(choices=Status.choices, required=False)
    priority = forms.ChoiceField(choices=Priority.choices, required=False)
    team = forms.ModelChoiceField(queryset=Team.objects.all(), required=False)
    assignee = forms.CharField(required=False)


class SaveViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    query = forms.CharField(required=False, max_length=1000)


AGENT_OPENED_CHANNELS = [Channel.PHONE, Channel.IN_STORE, Channel.EMAIL, Channel.CHAT,
                         Channel.SOCIAL, Channel.WEB]


class NewTicketForm(forms.Form):
    """A ticket an agent opens: a phone call, an in-store talk, or on a customer's behalf."""

    customer = forms.ModelChoiceField(queryset=Customer.objects.all(), label=_("Customer"),
                                      widget=forms.HiddenInput,
                                      error_messages={"required": _("Pick a customer.")})
    order = forms.ModelChoiceField(queryset=Order.objects.none(), label=_("Order"),
                                   required=False)
    channel = forms.ChoiceField(label=_("Channel"), initial=Channel.PHONE,
                                choices=[(c.value, c.label) for c in AGENT_OPENED_CHANNELS])
    subject = forms.CharField(label=_("Subject"), max_length=255)
    body = forms.CharField(label=_("What the customer said"),
                           widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices,
                                 initial=Category.OTHER)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices,
                                 initial=Priority.NORMAL)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all(), required=False)
    assign_to_me = forms.BooleanField(label=_("Assign to me"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        customer_id = self.data.get("customer") or self.initial.get("customer")
        if isinstance(customer_id, Customer):
            customer_id = customer_id.pk
        if customer_id and str(customer_id).isdigit():
            self.fields["order"].queryset = Order.objects.filter(
                customer_id=int(customer_id)).order_by("-placed_at")
        self.fields["order"].label_from_instance = lambda o: f"#{o.number} · {o.placed_at:%Y-%m-%d}"
        self.helper = FormHelper()
        self.helper.form_tag = False
