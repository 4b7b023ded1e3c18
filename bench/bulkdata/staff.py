"""The bench staff, teams and tags, made through the ORM (a few dozen rows) and reused
by later runs: agents in the agent group spread over the teams, managers, an admin."""

from dataclasses import dataclass, field

from common import ADMIN_USERNAME, AGENT_USERNAME, BENCH_PASSWORD, MANAGER_USERNAME
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from taggit.models import Tag

from helpdesk.roles import Role
from tickets.models import Team

from . import corpus

MANAGERS = 3


@dataclass
class Agent:
    id: int
    first_name: str
    full_name: str


@dataclass
class TeamInfo:
    id: int
    manager_id: int
    members: list[Agent] = field(default_factory=list)


@dataclass
class Staff:
    agents: list[Agent]
    team_for_category: dict[str, TeamInfo]
    vip_team: TeamInfo


def _agent_name(number: int) -> tuple[str, str]:
    names = corpus.AGENT_NAMES
    if number < len(names):
        return names[number]
    return names[number % len(names)][0], names[(number * 7 + 3) % len(names)][1]


@transaction.atomic
def ensure_staff(*, agents: int) -> Staff:
    """The bench users and teams, created on the first run and brought in line later."""
    user_model = get_user_model()
    password = make_password(BENCH_PASSWORD)
    groups = {role: Group.objects.get(name=role) for role in Role.values}

    def user(username: str, first: str, last: str, role: str):
        account, _ = user_model.objects.update_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "password": password,
                      "email": f"{username}@kefu.example", "is_active": True,
                      "is_staff": role != Role.AGENT, "is_superuser": role == Role.ADMIN})
        account.groups.set([groups[role]])
        return account

    user(ADMIN_USERNAME, "Ada", "Admin", Role.ADMIN)
    managers = [user(MANAGER_USERNAME.format(n), "Mei", f"Manager {n}", Role.MANAGER)
                for n in range(1, MANAGERS + 1)]
    people = []
    for number in range(agents):
        first, last = _agent_name(number)
        account = user(AGENT_USERNAME.format(number + 1), first, last, Role.AGENT)
        people.append(Agent(id=account.pk, first_name=first, full_name=f"{first} {last}"))

    team_for_category, teams = {}, []
    for index, (name, categories) in enumerate(corpus.TEAMS):
        team, _ = Team.objects.update_or_create(
            name=name, defaults={"manager": managers[index % MANAGERS],
                                 "email": f"team{index + 1}@kefu.example"})
        info = TeamInfo(id=team.pk, manager_id=team.manager_id)
        teams.append((team, info))
        for category in categories:
            team_for_category[category] = info
    for number, agent in enumerate(people):
        # Everyone has a main team; a quarter of the agents also help out in the next one.
        homes = [number % len(teams)]
        if number % 4 == 0:
            homes.append((number + 1) % len(teams))
        for home in homes:
            teams[home][1].members.append(agent)
    for team, info in teams:
        team.members.set([agent.id for agent in info.members])
    return Staff(agents=people, team_for_category=team_for_category, vip_team=teams[-1][1])


def ensure_tags() -> dict[str, int]:
    names = set(corpus.CUSTOMER_TAGS) | {"follow-up"}
    for tags in corpus.TICKET_TAGS.values():
        names.update(tags)
    return {name: Tag.objects.get_or_create(name=name)[0].pk for name in sorted(names)}
