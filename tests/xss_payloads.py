"""The XSS corpus, and the oracle that says what in a page could run.

PAYLOADS are the texts attackers write into titles, bodies, comments, reasons, names and
every other field; generic tests post each into every text field of every form, through
the API and as machine translations. The oracle parses pages the way browsers do
(html5lib, as bleach does) and lists scripts, event handlers and script URLs.
"""
from __future__ import annotations

import re

from bleach._vendor import html5lib

PAYLOADS = [
    # Script elements, however they are spelled or split.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "\"><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    # Event handlers.
    "<img src=x onerror=alert(1)>",
    "<img src=\"x` `<script>alert(1)</script>\"` `>",
    "<body onload=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<isindex type=image src=1 onerror=alert(1)>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    # Dangerous URLs in raw links and embeds.
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">click</a>",
    "<a href=\"java\tscript:alert(1)\">click</a>",
    "<a href=\"data:text/html,<script>alert(1)</script>\">click</a>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<link rel=stylesheet href=\"javascript:alert(1)\">",
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    # Style.
    "<style>body{background:url(javascript:alert(1))}</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    # Markdown links and images.
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](DATA:text/html,hello)",
    "[click](<javascript:alert(1)>)",
    "[x]: javascript:alert(1)\n\nSee [the reference][x].",
    "<javascript:alert(1)>",
    "![pic](javascript:alert(1))",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![pic](data:image/png;base64,iVBORw0KGgo=)",
    "![pic\" onerror=\"alert(1)](https://example.org/a.png)",
    "[x](https://example.org/\" onmouseover=\"alert(1))",
    "[x](https://example.org \"title\\\" onmouseover=\\\"alert(1)\")",
    # Unicode tricks.
    "[click](\u202ejavascript:alert(1))",
    "[click](\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert(1))",
    "<a href=\"\u2028javascript:alert(1)\">click</a>",
    "[click](java\u00adscript:alert(1))",
    # Entity-encoded and escaped text stays text.
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    # Unclosed, slashed and minimal tags.
    "<img src=x onerror=alert(1)//",
    "<svg/onload=alert(1)>",
    "<img/src/onerror=alert(1)>",
    "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;(1)>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<img src=https://tracker.example/pixel.gif>",
    # Breaking out of attributes, elements and comments around the text.
    "\" autofocus onfocus=\"alert(1)",
    "' onmouseover='alert(1)",
    "\"><img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "--><script>alert(1)</script>",
    "</div></div></main><script>alert(1)</script>",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    # Parser differentials (mutation XSS).
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<template><script>alert(1)</script></template>",
    "<xmp><script>alert(1)</script></xmp>",
    "<plaintext><script>alert(1)",
    "<noembed><img title=\"</noembed><img src onerror=alert(1)>\"></noembed>",
    "<select><template><style><!--</style><a rel=\"--></select><img src=x onerror=alert(1)>\">",
    # More event handlers and form hijacks.
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<keygen autofocus onfocus=alert(1)>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<a href=# onclick=alert(1)>x</a>",
    "<input type=image src=javascript:alert(1)>",
    # Legacy attributes and CSS.
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "<td background=\"javascript:alert(1)\">x</td>",
    "<div style=\"width: expression(alert(1));\">x</div>",
    "<xss style=\"behavior: url(xss.htc);\">x</xss>",
    "<bgsound src=\"javascript:alert(1)\">",
    "<object type=\"text/x-scriptlet\" data=\"https://example.org/scriptlet.html\"></object>",
    "<meta http-equiv=\"Set-Cookie\" content=\"session=stolen\">",
    # Scheme obfuscation in raw HTML and in markdown.
    "<a href=\"javas&#99;ript:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"java&#x0D;script:alert(1)\">x</a>",
    "<a href=\"  javascript:alert(1)\">x</a>",
    "<a href=\"&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105"
    "&#0000112&#0000116&#0000058alert(1)\">x</a>",
    "[x](javascript&colon;alert(1))",
    "[x](&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A;alert(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html;charset=utf-8,%3Cscript%3Ealert(1)%3C%2Fscript%3E)",
    "[x](javascript://example.org/%0aalert(1))",
    "[x]( javascript:alert(1) \"t\")",
    "[![x](javascript:alert(1))](javascript:alert(2))",
    "[a](https://example.org/\"><script>alert(1)</script>)",
    # Markdown structures carrying markup.
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | <img src=x onerror=alert(1)> |",
    "> <script>alert(1)</script>",
    "- [x](javascript:alert(1))\n- <svg onload=alert(1)>",
    "# <img src=x onerror=alert(1)>",
    "~~<script>alert(1)</script>~~ **<svg onload=alert(1)>**",
    # Autolinks and bare URLs.
    "<http://example.org/\"onmouseover=\"alert(1)>",
    "www.example.org/<script>alert(1)</script>",
    "https://example.org/?q=\"><script>alert(1)</script>",
    "mailto:someone@example.org?subject=<script>alert(1)</script>",
    # Polyglots and template syntax (the page must show them, never evaluate them).
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/"
    "</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
    "{{7*7}} {% raw %}{{ config }}{% endraw %} ${alert(1)} #{alert(1)}",
    "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
]
assert len(PAYLOADS) == len(set(PAYLOADS)) >= 100

# --- The oracle ------------------------------------------------------------------------------

# Elements that run, load or restyle: never in rendered text (the forum's pages use none
# of them either, charts' SVG aside).
FORBIDDEN_TAGS = {"script", "iframe", "frame", "frameset", "svg", "math", "style", "img",
                  "object", "embed", "applet", "base", "video", "audio", "source", "isindex",
                  "marquee", "template"}
# Never inside what people wrote: the renderer's allowlist has none of these.
FORBIDDEN_IN_TEXT = FORBIDDEN_TAGS | {"form", "input", "button", "textarea", "select", "meta",
                                      "link"}
# Never anywhere on a page.
FORBIDDEN_ON_PAGE = {"iframe", "frame", "frameset", "object", "embed", "applet", "base",
                     "isindex"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background",
                  "xlink:href", "srcset", "ping", "codebase", "cite", "dynsrc", "lowsrc"}
# Attributes that make the browser fetch something as the page loads.
LOADING_ATTRIBUTES = {"src", "data", "poster", "srcset", "background", "dynsrc", "lowsrc"}
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def _local(name: str) -> str:
    """Drop an element's or attribute's namespace: "{…svg}svg" → "svg"."""
    return str(name).rsplit("}", 1)[-1]


def _url(value: str) -> str:
    # Browsers ignore whitespace and control characters inside a URL's scheme.
    return re.sub(r"[\x00-\x20\x7f-\x9f\u00ad\u2028\u2029\u200b-\u200f\u202a-\u202e]", "",
                  value).lower()


def _parse(html: str):
    return html5lib.parse(html, treebuilder="etree", namespaceHTMLElements=False)


def _attribute_problems(tag: str, element) -> list[str]:
    problems = []
    for name, value in element.attrib.items():
        name = _local(name).lower()
        if name.startswith("on") or name in {"style", "srcdoc"}:
            problems.append(f"{tag} {name}=")
        url = _url(value)
        if name in URL_ATTRIBUTES and url.startswith(BAD_SCHEMES):
            problems.append(f"{tag} {name}={value!r}")
        if name in LOADING_ATTRIBUTES and not (url.startswith("/") and not url.startswith("//")):
            problems.append(f"{tag} {name}={value!r} loads from elsewhere")
    return problems


def executable_markup(html: str) -> list[str]:
    """List what, in rendered user text parsed the way a browser parses it, could run or load."""
    problems = []
    document = _parse(html)
    body = document.find("body")
    for element in document.iter():
        tag = _local(element.tag)
        if tag in FORBIDDEN_TAGS:
            problems.append(f"<{tag}>")
        if tag in {"meta", "link"} and body is not None and element in body.iter():
            problems.append(f"<{tag}> in body")
        problems += _attribute_problems(tag, element)
    return problems


def page_problems(html: str) -> list[str]:
    """List what could run on a whole page: foreign scripts, frames, handlers, script URLs;
    and, inside what people wrote (class "text"), anything beyond the renderer's allowlist."""
    problems = []
    document = _parse(html)
    for element in document.iter():
        tag = _local(element.tag)
        if tag == "script" and not _own_script(element):
            problems.append("<script>")
        if tag in FORBIDDEN_ON_PAGE:
            problems.append(f"<{tag}>")
        if tag == "meta" and element.get("http-equiv"):
            problems.append(f"<meta http-equiv={element.get('http-equiv')!r}>")
        problems += _attribute_problems(tag, element)
        if "text" in element.get("class", "").split():
            problems += [f"in text: <{t}>" for t in _tags_below(element) & FORBIDDEN_IN_TEXT]
    return problems


def _own_script(element) -> bool:
    # The forum may serve its own script files; nothing inline, nothing from elsewhere.
    src = element.get("src", "")
    return src.startswith("/static/") and not (element.text or "").strip()


def _tags_below(element) -> set[str]:
    return {_local(child.tag) for child in element.iter() if child is not element}


def links_in_texts(html: str) -> list:
    """Return the <a> elements inside what people wrote (div.text) on a page."""
    found = []
    for element in _parse(html).iter("div"):
        if "text" in element.attrib.get("class", "").split():
            found.extend(element.iter("a"))
    return found
