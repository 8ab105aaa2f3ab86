"""Markdown is translated block by block with its structure kept out of the engines."""
from __future__ import annotations

from forum.content.render import render_markdown
from forum.machine_translation.engines.base import PLACEHOLDER_RE
from forum.machine_translation.segments import document, restore


def shout(doc) -> str:
    """Translate by upper-casing prose, as a stand-in engine that keeps placeholders."""
    return doc.rebuild([PLACEHOLDER_RE.sub(lambda m: m.group(0), s.text.upper())
                        for s in doc.segments])


def test_each_block_is_one_segment_and_code_blocks_are_never_sent():
    doc = document("# Title\n\nFirst paragraph.\n\n- one\n- two\n\n```\nkeep me\n```\n", True)

    assert [s.text for s in doc.segments] == ["Title", "First paragraph.", "one", "two"]
    assert "keep me" in shout(doc)


def test_structure_survives_translation():
    source = ("## Plan\n\nRead **this** and `code_here()` at https://example.org/a_b "
              "or [the page](https://example.org/x \"T\"), says @marta.b.\n\n"
              "> quoted *words*\n\n1. first\n2. second\n")
    translated = shout(document(source, True))

    html = render_markdown(translated)
    assert "<h2>PLAN</h2>" in html
    assert "<strong>THIS</strong>" in html
    assert "<code>code_here()</code>" in html
    assert 'href="https://example.org/a_b"' in html
    assert ('<a href="https://example.org/x" title="T" rel="nofollow ugc noopener">THE PAGE</a>'
            in html)
    assert "@marta.b" in html and "@MARTA" not in html
    assert "<blockquote>\n<p>QUOTED <em>WORDS</em></p>" in html
    assert "<li>FIRST</li>" in html and "<ol>" in html


def test_protected_pieces_are_placeholders_not_text():
    doc = document("Call `f(x)` then visit https://example.org now", True)
    (segment,) = doc.segments

    assert "f(x)" not in segment.text and "example.org" not in segment.text
    assert segment.protected == ["`f(x)`", "https://example.org"]


def test_engine_output_cannot_inject_markdown_or_html():
    doc = document("Plain words here.", True)

    rebuilt = doc.rebuild(["<script>alert(1)</script> **loud** [x](javascript:alert(1))"])

    html = render_markdown(rebuilt)
    assert "<script" not in html and "<strong>" not in html and "href=" not in html


def test_a_lost_placeholder_is_put_back_at_the_end():
    doc = document("See https://example.org today", False)
    (segment,) = doc.segments

    assert restore("Mira hoy", segment) == "Mira hoy https://example.org"


def test_unknown_placeholders_are_dropped():
    doc = document("Hello", False)

    assert restore("Hola \ue0007\ue001", doc.segments[0]) == "Hola "


def test_plain_fields_keep_urls_and_mentions():
    doc = document("Ask @tom about https://riverton.example/plan", False)

    assert doc.rebuild(["PREGUNTA A \ue0000\ue001 SOBRE \ue0001\ue001"]) == \
        "PREGUNTA A @tom SOBRE https://riverton.example/plan"


def test_segments_without_words_pass_through_untranslated():
    doc = document("`only code`\n\nhttps://example.org", True)

    assert all(not s.has_words for s in doc.segments)
    assert doc.rebuild(["IGNORED", "IGNORED"]) == "`only code`\n\nhttps://example.org"


def test_table_cells_are_translated_in_place():
    source = "| a | b |\n|---|---|\n| c | d |"

    assert shout(document(source, True)) == "| A | B |\n|---|---|\n| C | D |"
