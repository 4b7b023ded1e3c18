from tickets.html import html_to_text, sanitize_html


def test_scripts_event_handlers_and_javascript_urls_are_removed():
    dirty = ('<p onclick="steal()">Hi <b>there</b></p><script>alert(1)</script>'
             '<a href="javascript:alert(1)">x</a><img src=x onerror="alert(1)">')
    clean = sanitize_html(dirty)
    assert "<script" not in clean and "onclick" not in clean and "onerror" not in clean
    assert "javascript:" not in clean
    assert "<b>there</b>" in clean


def test_links_keep_their_target_and_get_safe_rel():
    clean = sanitize_html('<a href="https://shop.example/track">track</a>')
    assert 'href="https://shop.example/track"' in clean
    assert "noopener" in clean


def test_html_to_text_keeps_paragraphs_readable():
    assert html_to_text("<p>Hello&nbsp;Lin</p><p>Line two<br>three</p>") == (
        "Hello\xa0Lin\nLine two\nthree")
