from django.db import connection

from tests.factories import CustomerFactory, IdentityFactory, OrderFactory, TicketFactory
from tickets import search, services
from tickets.models import Ticket


def test_han_text_is_indexed_as_bigrams_plus_the_last_character():
    assert search.tokens("包裹一周") == ["包裹", "裹一", "一周", "周"]


def test_latin_words_are_lower_cased_and_punctuation_dropped():
    assert search.tokens("Parcel #10042, SF-123!") == ["parcel", "10042", "sf", "123"]


def test_mixed_text_keeps_words_and_han_runs_apart():
    assert search.tokens("订单10042到了") == ["订单", "单", "10042", "到了", "了"]


def test_the_query_makes_every_token_a_required_prefix():
    assert search.ts_query("stuck 包裹") == "'stuck':* & '包裹':*"
    assert search.ts_query("茶") == "'茶':*"
    assert search.ts_query("' & | !") == ""


def test_a_single_letter_or_digit_beside_other_words_matches_whole():
    assert search.ts_query("matteo 1") == "'matteo':* & '1'"
    assert search.ts_query("a") == "'a':*"  # alone, it is what the agent has typed so far
    assert search.ts_query("茶 a 包") == "'茶':* & 'a' & '包':*"


def test_every_word_of_a_complete_email_address_matches_whole():
    assert search.ts_query("matteo.baker.1@outlook.com") == (
        "'matteo' & 'baker' & '1' & 'outlook' & 'com'")
    assert search.ts_query(" lin@example.co ") == "'lin' & 'example' & 'co'"
    # Still being typed: the last word may be a prefix of what is stored.
    assert search.ts_query("matteo.baker@outl") == "'matteo':* & 'baker':* & 'outl':*"


def test_a_complete_email_finds_the_message_that_quotes_it_and_not_longer_words(db):
    quoted = open_ticket("Login", body="My new address is lin.wei@example.com, thanks")
    open_ticket("Other", body="Write to lin.weiming@example.community")
    assert found("lin.wei@example.com") == {quoted.pk}


def test_an_email_with_a_single_digit_finds_the_message_that_quotes_it(db):
    ticket = open_ticket("Login", body="Please write to matteo.baker.1@outlook.com")
    open_ticket("Other", body="Write to matteo.baker.12@outlook.com")
    assert found("matteo.baker.1@outlook.com") == {ticket.pk}


def open_ticket(subject, body="Hello", **customer):
    return services.open_ticket(customer=CustomerFactory(**customer), subject=subject,
                                body_text=body)


def found(term):
    return set(search.matching(Ticket.objects.all(), term).values_list("pk", flat=True))


def test_search_finds_words_in_the_subject_the_messages_and_the_customer_name(db, agent):
    by_subject = open_ticket("Parcel stuck in transit")
    by_message = open_ticket("Question", body="My teapot arrived cracked")
    by_name = open_ticket("Question", name="Zhao Min")
    replied = open_ticket("Other")
    services.reply(ticket=replied, author=agent, body_text="We sent a replacement kettle")
    open_ticket("Unrelated")

    assert found("parcel") == {by_subject.pk}
    assert found("cracked") == {by_message.pk}
    assert found("zhao") == {by_name.pk}
    assert found("replacement kettle") == {replied.pk}


def test_search_finds_chinese_words_inside_a_sentence(db):
    ticket = open_ticket("包裹一周没有更新物流")
    open_ticket("茶壶收到时有裂痕")
    assert found("物流") == {ticket.pk}
    assert found("没有更新") == {ticket.pk}


def test_search_matches_word_prefixes(db):
    ticket = open_ticket("Refund for the scarf")
    assert found("refu") == {ticket.pk}


def test_search_finds_tickets_by_customer_email_phone_and_order_number(db):
    customer = CustomerFactory(email="Lin.Wei@Example.cn")
    IdentityFactory(customer=customer, value="+86 138 0000 1111")
    order = OrderFactory(customer=customer, number="10042")
    with_order = services.open_ticket(customer=customer, subject="Hello", body_text="Hi",
                                      order=order)
    other = services.open_ticket(customer=customer, subject="Again", body_text="Hi")
    open_ticket("Someone else")

    assert found("lin.wei@example.cn") == {with_order.pk, other.pk}
    assert found("13800001111") == {with_order.pk, other.pk}
    assert found("#10042") == {with_order.pk}


def test_search_by_ticket_number(db):
    ticket = open_ticket("Anything")
    assert ticket.pk in found(f"#{ticket.pk}")


def test_reindex_writes_documents_for_rows_written_in_bulk(db):
    ticket = TicketFactory(subject="Bulk imported parcel")
    if connection.vendor != "postgresql":
        assert search.reindex_tickets() == 0
        return
    assert found("imported") == set()
    assert search.reindex_tickets() >= 1
    assert found("imported") == {ticket.pk}
    assert search.reindex_tickets() == 0  # only the missing ones by default


def test_merging_keeps_the_moved_messages_searchable(db, agent):
    customer = CustomerFactory()
    first = services.open_ticket(customer=customer, subject="One", body_text="hello")
    second = services.open_ticket(customer=customer, subject="Two", body_text="zebra crossing")
    services.merge(target=first, duplicates=[first, second], by=agent)
    assert first.pk in found("zebra")


def test_the_reindex_command(db):
    from io import StringIO

    from django.core.management import call_command

    ticket = TicketFactory(subject="Imported by COPY")
    out = StringIO()
    call_command("reindex_ticket_search", stdout=out)
    if connection.vendor == "postgresql":
        assert "Indexed 1 tickets." in out.getvalue()
        assert found("imported") == {ticket.pk}
    else:
        assert "nothing to index" in out.getvalue()
