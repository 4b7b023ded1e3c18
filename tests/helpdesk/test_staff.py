import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from helpdesk.models import AuditEntry
from helpdesk.roles import has_role
from tests.factories import TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


HX = {"HTTP_HX_REQUEST": "true"}


def test_only_admins_open_the_roles_page(client, agent, manager, admin_user, outsider):
    url = reverse("admin:kefu_roles")
    assert client.get(url).status_code == 302
    for user in (agent, manager, outsider):
        client.force_login(user)
        assert client.get(url).status_code in (302, 403)  # not admin staff / not an admin
    manager.is_staff = True
    manager.save()
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Roles and agents" in response.content.decode()


def test_an_admin_makes_a_user_an_agent_in_a_team_and_it_is_audited(client, admin_user,
                                                                     outsider, team):
    client.force_login(admin_user)
    response = client.post(reverse("admin:kefu_roles_save", args=[outsider.pk]),
                           {"roles": ["agent"], "teams": [team.pk]}, **HX)
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    outsider.refresh_from_db()
    assert has_role(outsider, "agent") and not has_role(outsider, "manager")
    assert list(outsider.kefu_teams.all()) == [team]
    entry = AuditEntry.objects.get(action="staff.access_changed")
    assert entry.actor == admin_user
    assert entry.before == {"roles": [], "teams": []}
    assert entry.after == {"roles": ["agent"], "teams": [team.name]}


def test_granting_admin_opens_the_admin_site_and_removing_it_closes_it(client, admin_user,
                                                                       agent):
    client.force_login(admin_user)
    url = reverse("admin:kefu_roles_save", args=[agent.pk])
    client.post(url, {"roles": ["agent", "admin"]}, **HX)
    agent.refresh_from_db()
    assert agent.is_staff
    client.post(url, {"roles": ["agent"]}, **HX)
    agent.refresh_from_db()
    assert not agent.is_staff
    assert agent.groups.filter(name="agent").exists()


def test_an_admin_cannot_remove_their_own_admin_role(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:kefu_roles_save", args=[admin_user.pk]),
                           {"roles": ["agent"]}, **HX)
    assert "You cannot take the admin role away from yourself." in response.content.decode()
    assert admin_user.groups.filter(name="admin").exists()


def test_other_groups_are_left_alone(client, admin_user):
    extra = Group.objects.create(name="newsletter")
    user = UserFactory(username="zoe", role="agent")
    user.groups.add(extra)
    client.force_login(admin_user)
    client.post(reverse("admin:kefu_roles_save", args=[user.pk]), {"roles": ["manager"]}, **HX)
    assert set(user.groups.values_list("name", flat=True)) == {"manager", "newsletter"}


def test_the_roles_page_query_count_does_not_grow_with_users(client, admin_user,
                                                            django_assert_max_num_queries):
    client.force_login(admin_user)
    url = reverse("admin:kefu_roles")
    client.get(url)
    teams = [TeamFactory() for _ in range(3)]
    for i in range(40):
        user = UserFactory(username=f"staff{i}", role="agent")
        user.kefu_teams.add(teams[i % 3])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_the_admin_index_links_the_console_pages(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("admin:index")).content.decode()
    for label in ("Roles and agents", "Reply templates", "Macros", "Loyalty tiers", "Teams",
                  "Audit trail"):
        assert label in html
