from django.core.management import call_command
from rest_framework.authtoken.models import Token


def test_drf_create_token_gives_a_token_that_authenticates(client, agent, capsys):
    call_command("drf_create_token", "ann")
    key = Token.objects.get(user=agent).key
    assert key in capsys.readouterr().out
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "ann"
    assert response.json()["roles"] == ["agent"]


def test_the_api_refuses_anonymous_and_wrong_tokens(client, db):
    assert client.get("/api/v1/me/").status_code == 401
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nope").status_code == 401


def test_the_api_refuses_a_user_without_a_staff_role(client, outsider):
    token = Token.objects.create(user=outsider)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 403


def test_the_api_works_with_the_page_session_too(client, manager):
    client.force_login(manager)
    assert client.get("/api/v1/tiers/").json()[1]["name"] == "Silver"


def test_openapi_schema_and_docs_are_served(client, db):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/me/" in schema.content
    assert client.get("/api/docs/").status_code == 200


def test_health_endpoint_checks_the_database(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
