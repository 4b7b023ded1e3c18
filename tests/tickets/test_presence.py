from tickets import presence


def test_an_agent_sees_others_viewing_but_not_themselves(agent, other_agent):
    presence.beat(ticket_id=1, user=agent, now=100)
    presence.beat(ticket_id=1, user=other_agent, now=101)
    assert presence.others(ticket_id=1, user=agent, now=102) == [
        {"name": "Bo Chen", "typing": False}]
    assert presence.others(ticket_id=2, user=agent, now=102) == []


def test_typing_shows_for_a_few_seconds_after_the_last_keystroke(agent, other_agent):
    presence.beat(ticket_id=1, user=other_agent, typing=True, now=100)
    presence.beat(ticket_id=1, user=other_agent, now=103)  # a plain heartbeat keeps it
    assert presence.others(ticket_id=1, user=agent, now=105)[0]["typing"] is True
    assert presence.others(ticket_id=1, user=agent, now=100 + presence.TYPING_TTL + 1)[0][
        "typing"] is False


def test_an_agent_without_heartbeat_drops_out(agent, other_agent):
    presence.beat(ticket_id=1, user=other_agent, now=100)
    assert presence.others(ticket_id=1, user=agent, now=100 + presence.VIEWING_TTL + 1) == []


def test_leaving_removes_the_agent(agent, other_agent):
    presence.beat(ticket_id=1, user=other_agent, now=100)
    presence.leave(ticket_id=1, user=other_agent)
    assert presence.others(ticket_id=1, user=agent, now=101) == []
