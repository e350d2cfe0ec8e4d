"""Every generated HTML page goes through nh3 (ammonia) with an allow-list of the HTML and
MathML that symnn writes: latex2mathml un-escapes its own output, so LaTeX text such as
``\\textrm{</math><script>...}`` would otherwise reach the page as live markup."""

from __future__ import annotations

__all__ = ["sanitize_html", "TAGS", "ATTRIBUTES"]

_HTML = {"a", "p", "h1", "h2", "strong", "table", "tr", "th", "td", "pre", "code", "img", "br"}
_MATHML = {"math", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace", "msup", "msub",
           "msubsup", "mfrac", "msqrt", "mroot", "mstyle", "mtable", "mtr", "mtd", "munder",
           "mover", "munderover", "mfenced", "menclose", "mpadded", "mphantom", "semantics",
           "annotation", "merror"}
TAGS = frozenset(_HTML | _MATHML)
_MATH_ATTRS = {"mathvariant", "displaystyle", "scriptlevel", "stretchy", "fence", "form",
               "lspace", "rspace", "separator", "separators", "largeop", "movablelimits",
               "accent", "accentunder", "linethickness", "width", "notation", "columnalign",
               "rowspacing", "columnspacing", "open", "close", "encoding"}
ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}, "math": {"xmlns", "display"},
              **{t: _MATH_ATTRS for t in _MATHML - {"math"}}}


def sanitize_html(fragment: str) -> str:
    """``fragment`` with every tag, attribute and URL scheme outside the allow-list removed
    (scripts and styles with their content); links keep only relative and https URLs."""
    import nh3

    return nh3.clean(fragment, tags=set(TAGS), attributes={k: set(v) for k, v in
                                                           ATTRIBUTES.items()},
                     url_schemes={"https"}, link_rel=None, strip_comments=True)
