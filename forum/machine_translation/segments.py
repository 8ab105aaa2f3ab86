"""Split texts into segments for engines, keeping structure out of their reach.

A markdown text is translated block by block: each paragraph, heading, list item or table
cell is one segment. Inside a segment, everything that is not prose — code spans, URLs,
link targets, @mentions, emphasis markers, line breaks, and the instance glossary's terms —
is replaced by a placeholder the engines carry through untouched, then put back (a glossary
term as written, or as its fixed rendering for the target language). Code blocks are never
sent at all. The translated markdown is then rendered and sanitised like any original.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from forum.content.render import markdown_parser
from forum.machine_translation.engines.base import PLACEHOLDER_RE, placeholder
from forum.machine_translation.glossary import NO_RULES, Rules

MENTION_RE = re.compile(r"(?<![\w@])@\w[\w.\-]*\w|(?<![\w@])@\w")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>]+[^\s<>.,;:!?)\]'\"]")
# Characters that would turn translated prose into markdown syntax.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_LINE_START_SPECIAL = re.compile(r"^(\s*)([#+\->=]|\d+[.)])")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_HAS_WORDS = re.compile(r"[^\W\d_]", re.UNICODE)


@dataclass
class Segment:
    """A run of prose with placeholders, and what each placeholder stands for."""

    text: str
    protected: list[str] = field(default_factory=list)

    @property
    def has_words(self) -> bool:
        return bool(_HAS_WORDS.search(PLACEHOLDER_RE.sub("", self.text)))


class _Builder:
    """Accumulate prose and protected pieces, merging neighbouring protected pieces."""

    def __init__(self, glossary: Rules = NO_RULES, markdown: bool = False) -> None:
        self.parts: list[tuple[bool, str]] = []
        self.glossary = glossary
        self.markdown = markdown

    def prose(self, text: str) -> None:
        for index, piece in enumerate(MENTION_RE.split(text)):
            if index:
                self.protect(MENTION_RE.findall(text)[index - 1])
            if piece:
                self._glossary_prose(piece)

    def _glossary_prose(self, text: str) -> None:
        for piece, replacement in self.glossary.split(text):
            if replacement is None:
                self.parts.append((False, piece))
            else:
                # Put back into markdown, a term must stay text, not become syntax.
                self.protect(_MARKDOWN_SPECIAL.sub(r"\\\1", replacement) if self.markdown
                             else replacement)

    def protect(self, raw: str) -> None:
        if self.parts and self.parts[-1][0]:
            self.parts[-1] = (True, self.parts[-1][1] + raw)
        else:
            self.parts.append((True, raw))

    def segment(self) -> Segment:
        protected: list[str] = []
        texts: list[str] = []
        for is_protected, value in self.parts:
            if is_protected:
                texts.append(placeholder(len(protected)))
                protected.append(value)
            else:
                texts.append(value)
        return Segment("".join(texts), protected)


def plain_segment(text: str, glossary: Rules = NO_RULES) -> Segment:
    """Make one segment of a plain text (a title), protecting URLs, @mentions and terms."""
    builder = _Builder(glossary)
    position = 0
    for match in URL_RE.finditer(text):
        builder.prose(text[position:match.start()])
        builder.protect(match.group())
        position = match.end()
    builder.prose(text[position:])
    return builder.segment()


def restore(translated: str, segment: Segment) -> str:
    """Put the protected pieces back into an engine's output for `segment`."""
    used: set[int] = set()

    def put_back(match: re.Match) -> str:
        index = int(match.group(1))
        if index >= len(segment.protected) or index in used:
            return ""
        used.add(index)
        return segment.protected[index]

    text = PLACEHOLDER_RE.sub(put_back, translated)
    text = _PRIVATE_USE.sub("", text)
    missing = [raw for i, raw in enumerate(segment.protected) if i not in used]
    # An engine that dropped a placeholder must not drop a link or a code span with it.
    return " ".join([text.rstrip(), *missing]) if missing else text


def _escape_prose(translated: str) -> str:
    """Backslash-escape markdown syntax in an engine's prose, leaving placeholders alone."""
    pieces = PLACEHOLDER_RE.split(translated)
    # re.split with a group alternates prose and placeholder numbers.
    escaped = "".join(placeholder(int(piece)) if index % 2 else
                      _MARKDOWN_SPECIAL.sub(r"\\\1", piece)
                      for index, piece in enumerate(pieces))
    return _LINE_START_SPECIAL.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped, count=1)


def _inline_segment(children, glossary: Rules = NO_RULES) -> Segment:
    builder = _Builder(glossary, markdown=True)
    link_targets: list[str] = []
    inside_autolink = False
    for token in children:
        if inside_autolink:
            inside_autolink = token.type != "link_close"
        elif token.type == "link_open" and token.markup in ("linkify", "autolink"):
            builder.protect(_autolink(token))
            inside_autolink = True
        elif token.type == "link_open":
            link_targets.append(_link_target(token))
            builder.protect("[")
        elif token.type == "link_close":
            builder.protect(link_targets.pop() if link_targets else "]()")
        else:
            _add_inline(builder, token)
    return builder.segment()


def _add_inline(builder: _Builder, token) -> None:
    kind = token.type
    if kind == "text":
        builder.prose(token.content)
    elif kind == "softbreak":
        builder.prose(" ")
    elif kind == "hardbreak":
        builder.protect("\\\n")
    elif kind == "code_inline":
        pad = " " if token.content.startswith("`") or token.content.endswith("`") else ""
        builder.protect(f"{token.markup}{pad}{token.content}{pad}{token.markup}")
    elif kind == "image":
        builder.protect(f"![{token.content}](<{token.attrGet('src') or ''}>)")
    elif kind.endswith("_open") or kind.endswith("_close"):
        builder.protect(token.markup)
    else:
        builder.protect(token.content)


def _autolink(token) -> str:
    href = token.attrGet("href") or ""
    if token.markup == "autolink":
        return f"<{href}>"
    return href.removeprefix("mailto:")


def _link_target(token) -> str:
    href = token.attrGet("href") or ""
    title = token.attrGet("title")
    escaped_title = (title or "").replace("\\", "\\\\").replace('"', '\\"')
    return f"](<{href}>" + (f' "{escaped_title}"' if title else "") + ")"


@dataclass
class _Block:
    line: int           # first source line of the block's inline content
    lines: int          # how many source lines that content spans
    content: str        # the content as it appears in the source
    segment: Segment


class MarkdownDocument:
    """A markdown text cut into segments, which can be rebuilt from their translations."""

    def __init__(self, source: str, glossary: Rules = NO_RULES):
        self.source = source
        self.blocks = [_Block(token.map[0], token.content.count("\n") + 1, token.content,
                              _inline_segment(token.children or [], glossary))
                       for token in markdown_parser().parse(source)
                       if token.type == "inline" and token.map and token.content.strip()]

    @property
    def segments(self) -> list[Segment]:
        return [block.segment for block in self.blocks]

    def rebuild(self, translations: list[str]) -> str:
        """Return the markdown with each block's prose replaced by its translation."""
        lines: list[str | None] = list(self.source.split("\n"))
        cursor: dict[int, int] = {}
        for block, translated in zip(self.blocks, translations, strict=True):
            self._replace(lines, cursor, block, translated)
        return "\n".join(line for line in lines if line is not None)

    def _replace(self, lines, cursor, block: _Block, translated: str) -> None:
        first = block.content.split("\n")[0]
        line = lines[block.line]
        start = line.find(first, cursor.get(block.line, 0)) if line is not None else -1
        if start < 0:
            return  # the source could not be matched: keep this block in its original
        text = translated.replace("\n", " ") if block.segment.has_words else block.segment.text
        new = restore(_escape_prose(text), block.segment)
        lines[block.line] = line[:start] + new + line[start + len(first):]
        cursor[block.line] = start + len(new)
        for extra in range(block.line + 1, block.line + block.lines):
            lines[extra] = None


class PlainDocument:
    """A one-line plain text (a title, a name) as a single segment."""

    def __init__(self, source: str, glossary: Rules = NO_RULES):
        self.source = source
        self.segment = plain_segment(" ".join(source.split()), glossary)

    @property
    def segments(self) -> list[Segment]:
        return [self.segment] if self.source.strip() else []

    def rebuild(self, translations: list[str]) -> str:
        """Return the translated text with its protected pieces restored."""
        if not translations:
            return self.source
        text = translations[0] if self.segment.has_words else self.segment.text
        return " ".join(restore(text, self.segment).split())


def document(source: str, markdown: bool,
             glossary: Rules = NO_RULES) -> MarkdownDocument | PlainDocument:
    """Cut a field's source text into segments according to its format and the glossary."""
    return (MarkdownDocument(source, glossary) if markdown
            else PlainDocument(source, glossary))
