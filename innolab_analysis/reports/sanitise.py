"""What a published page may contain: an allow-list sanitiser and a strict Content-Security-Policy.

Names in the data may hold ``<script>``, ``onerror=``, ``javascript:`` links,
``<meta http-equiv=refresh>`` or ``url()``; the studies escape them, and every
HTML fragment of a report passes :func:`sanitise_html` on its way into the
page anyway: only the tags and attributes a report needs survive, images
only as ``data:image/png`` or ``data:image/jpeg``, links only to an
``#anchor`` of the page or a ``data:text/csv`` download, classes only as
plain names, and no ``style`` attribute, event handler, form or embedded
object. :func:`content_security_policy` is the policy every page carries in a
``<meta>`` tag: nothing is loaded from anywhere, images only from ``data:``,
the one inline stylesheet allowed by its SHA-256 hash, no script at all.

Examples
--------
>>> sanitise_html('<img src="data:," onerror="alert(1)"><b onclick="x()">Dinas</b>')
'<b>Dinas</b>'
>>> sanitise_html('<a href="javascript:alert(1)">x</a> <a href="#ringkasan">y</a>')
'<a>x</a> <a href="#ringkasan">y</a>'
"""

from __future__ import annotations

import base64
import hashlib
import re

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_TAGS",
    "content_security_policy",
    "sanitise_html",
    "style_hash",
]

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        *("h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote"),
        *("ul", "ol", "li", "dl", "dt", "dd"),
        *("table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td"),
        *("figure", "figcaption", "img", "a", "div", "span", "section"),
        *("code", "pre", "kbd", "samp", "strong", "em", "b", "i", "sub", "sup", "small", "abbr"),
        *("del", "ins", "mark", "details", "summary"),
    }
)
"""Tags a report's content may use (everything else is removed, its text kept)."""

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "*": frozenset({"class"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "a": frozenset({"href", "download"}),
    "th": frozenset({"scope", "colspan", "rowspan"}),
    "td": frozenset({"colspan", "rowspan"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start"}),
    "abbr": frozenset({"title"}),
    "details": frozenset({"open"}),
}
"""Attributes per tag (``*``: every tag); no ``style``, no ``id``, no event handler."""

_DROPPED_WITH_CONTENT = {"script", "style", "template", "noscript", "textarea", "title", "xmp"}
_IMAGE = re.compile(r"^data:image/(?:png|jpeg);base64,[A-Za-z0-9+/=\s]*$")
_CSV = re.compile(r"^data:text/csv(?:;charset=utf-8)?;base64,[A-Za-z0-9+/=\s]*$", re.I)
_ANCHOR = re.compile(r"^#[A-Za-z0-9_-]*$")
_CLASS = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_NUMBER = re.compile(r"^\d{1,5}$")
_SCOPE = {"col", "row", "colgroup", "rowgroup"}
_DOWNLOAD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "class":
        kept = [c for c in value.split() if _CLASS.match(c)]
        return " ".join(kept) or None
    if tag == "img" and attr == "src":
        return value if _IMAGE.match(value) else None
    if tag == "a" and attr == "href":
        return value if (_ANCHOR.match(value) or _CSV.match(value)) else None
    if tag == "a" and attr == "download":
        return value if _DOWNLOAD.match(value) else None
    if attr in ("width", "height", "colspan", "rowspan", "span", "start"):
        return value if _NUMBER.match(value) else None
    if attr == "scope":
        return value if value in _SCOPE else None
    return value


def sanitise_html(fragment: str) -> str:
    """An HTML fragment with only what a report needs (allow-list, built on nh3).

    Parameters
    ----------
    fragment : str
        HTML from a notebook output or rendered Markdown.

    Returns
    -------
    str
        The fragment with every other tag removed (scripts, styles and the
        like with their content), every other attribute dropped, and images
        without an allowed ``src`` removed.

    Examples
    --------
    >>> sanitise_html('<table><tr><th scope="col" style="x">A</th></tr></table>')
    '<table><tbody><tr><th scope="col">A</th></tr></tbody></table>'
    >>> sanitise_html('<img src="https://example.org/a.png" alt="a">')
    ''
    """
    import nh3

    cleaned = nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=_attribute_filter,
        url_schemes={"data"},
        link_rel=None,
        strip_comments=True,
    )
    # an image whose source was refused would show as a broken box: drop it
    return re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", cleaned)


def style_hash(css: str) -> str:
    """The CSP source of an inline stylesheet: ``'sha256-…'`` of its exact text."""
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(css: str) -> str:
    """The policy of every report and the index, for a ``<meta http-equiv>`` tag.

    Nothing may load (``default-src 'none'``), images only from ``data:``, the
    inline stylesheet ``css`` only by its hash, no script, no ``<base>``, no form.

    Examples
    --------
    >>> content_security_policy("p{}").split("; ")[:2]
    ["default-src 'none'", 'img-src data:']
    """
    return "; ".join(
        [
            "default-src 'none'",
            "img-src data:",
            f"style-src {style_hash(css)}",
            "script-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
