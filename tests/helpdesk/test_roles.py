import pytest
from django.contrib.auth.models import Group
from django.urls import reverse


def test_the_three_roles_exist_as_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {"agent", "manager", "admin"}


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("tickets:inbox"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_user_without_a_role_is_refused(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("tickets:inbox")).status_code == 403


@pytest.mark.parametrize("who", ["agent", "manager", "admin_user"])
def test_staff_roles_reach_the_inbox(client, db, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("tickets:inbox")).status_code == 200


def test_home_sends_an_agent_to_the_inbox(client, agent):
    client.force_login(agent)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("tickets:inbox")


def test_login_with_the_right_password_lands_in_the_inbox(client, agent):
    response = client.post(reverse("login"), {"username": "ann", "password": "pw"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tickets:inbox")


def test_logout_needs_a_post_and_ends_the_session(client, agent):
    client.force_login(agent)
    client.post(reverse("logout"))
    assert client.get(reverse("tickets:inbox")).status_code == 302
