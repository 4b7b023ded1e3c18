import gettext

from django.urls import reverse
from django.utils import translation

from helpdesk.catalogues import compiled, po_files


def _translations_in_po(po_path):
    from babel.messages.pofile import read_po

    with po_path.open("rb") as po:
        return {m.id: m.string for m in read_po(po)
                if m.id and m.string and not m.fuzzy and isinstance(m.id, str)}


def test_every_catalogue_is_compiled_and_committed_up_to_date():
    """The committed .mo (from msgfmt or `manage.py compile_catalogues`) says what the .po says."""
    assert po_files(), "no translation catalogues found"
    for po_path in po_files():
        mo_path = po_path.with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing: run `python manage.py compile_catalogues`"
        with mo_path.open("rb") as mo:
            in_mo = {k: v for k, v in gettext.GNUTranslations(mo)._catalog.items()
                     if isinstance(k, str) and k}
        assert in_mo == _translations_in_po(po_path), (
            f"{mo_path} is stale: run `python manage.py compile_catalogues`")
        assert compiled(po_path)


def test_the_chinese_catalogue_has_no_untranslated_entries():
    for po_path in po_files():
        if "zh_Hans" not in po_path.parts:
            continue
        with po_path.with_suffix(".mo").open("rb") as mo:
            catalogue = gettext.GNUTranslations(mo)
        from babel.messages.pofile import read_po

        with po_path.open("rb") as po:
            untranslated = [m.id for m in read_po(po) if m.id and not m.string]
        assert not untranslated, f"{po_path}: untranslated {untranslated[:10]}"
        assert catalogue.info().get("content-type", "").lower().endswith("utf-8")


def test_a_zh_hans_page_really_shows_chinese(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    html = client.get(reverse("login")).content.decode()
    assert "登录客服系统" in html
    assert 'lang="zh-hans"' in html


def test_the_language_switch_changes_the_language(client, agent):
    client.force_login(agent)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/tickets/"})
    assert response.status_code == 302
    assert "收件箱" in client.get(reverse("tickets:inbox")).content.decode()


def test_model_choices_are_translated():
    from tickets.models import Status

    with translation.override("zh-hans"):
        assert str(Status.PENDING.label) == "等待客户回复"
