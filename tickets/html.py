"""Customer-written HTML: sanitised before it is stored, and a plain-text form of it."""

import html
import re

import nh3

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "i", "li", "ol", "p", "pre", "span",
    "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul", "h1", "h2", "h3", "h4",
    "hr", "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


def sanitize_html(raw: str) -> str:
    """Keep formatting, drop scripts, styles, event handlers and unsafe URLs."""
    if not raw:
        return ""
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "cid"},
        link_rel="noopener noreferrer nofollow",
    )


_BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-6]|blockquote)>|<br\s*/?>", re.IGNORECASE)


def html_to_text(raw: str) -> str:
    """A readable plain-text version of (already sanitised) HTML."""
    with_breaks = _BLOCK_END.sub("\n", raw or "")
    text = nh3.clean(with_breaks, tags=set())
    text = html.unescape(text)
    lines = [line.strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
