"""`cheatdeck preview`: every Anki card's front and back on one static page, as the note types render them."""

from __future__ import annotations

from html import escape
from pathlib import Path

from builder.anki.media import MediaFile, MediaStore, media_cache
from builder.anki.notes import guide_notes
from builder.anki.notetypes import card_css, load_text, note_types_for
from builder.anki.package import media_files
from builder.anki.quality import rendered_cards
from builder import i18n
from builder.i18n import _, translate_card_template
from builder.model import Guide
from builder.output import atomic_write
from builder.resources import templates_dir

PAGE = "index.html"


def _card_html(i: int, card) -> str:  # type: ignore[no-untyped-def]
    note = card.note
    front, back = _("Front"), _("Back")
    return (f'<section class="pv-card" id="c{i}" data-objective="{escape(note.objective)}" '
            f'data-type="{escape(card.type_name)}">'
            f'<header><b>{escape(card.type_name)}</b> · {escape(note.objective)} · '
            f'<code class="pv-pos">{escape(str(note.pos))}</code></header>'
            f'<div class="pv-sides"><div class="pv-side"><div class="pv-label">{front}</div>'
            f'<div class="card">{card.front}</div></div>'
            f'<div class="pv-side"><div class="pv-label">{back}</div>'
            f'<div class="card">{card.back}</div></div></div></section>')


def preview_html(guide: Guide, override: Path | None = None,
                 media: MediaStore | None = None) -> tuple[str, list[MediaFile]]:
    """The page and the media files its cards show."""
    with i18n.override(guide.lang):
        return _preview_html(guide, override, media)


def _preview_html(guide: Guide, override: Path | None,
                  media: MediaStore | None) -> tuple[str, list[MediaFile]]:
    notes = guide_notes(guide, Path(guide.root).resolve(), media)
    cards = rendered_cards(notes, [load_text(nt, override, guide.lang)
                                    for nt in note_types_for(guide.lang)])
    objectives = sorted({c.note.objective for c in cards}, key=lambda o: [int(x) for x in o.split(".")
                                                                         if x.isdigit()])
    types = list(dict.fromkeys(c.type_name for c in cards))
    options = lambda values: "".join(f'<option value="{escape(v)}">{escape(v)}</option>'  # noqa: E731
                                     for v in values)
    page = translate_card_template((templates_dir() / "preview" / PAGE).read_text(encoding="utf-8"), guide.lang)
    body = "\n".join(_card_html(i, c) for i, c in enumerate(cards))
    html = (page.replace("/*CARD_CSS*/", card_css(override))
            .replace("<!--TITLE-->", escape(guide.deck_title)).replace("<!--LANG-->", escape(guide.lang))
            .replace("<!--OBJECTIVES-->", options(objectives))
            .replace("<!--TYPES-->", options(types))
            .replace("<!--COUNT-->", str(len(cards)))
            .replace("<!--CARDS-->", body))
    return html, media_files(tuple(notes))


def write_preview(guide: Guide, output: Path, override: Path | None = None,
                  machine_cache: Path | None = None) -> Path:
    """Write `<output>/preview/index.html` and copy the cards' images beside it; images are
    prepared through the same cache as a build's (the machine's, else the output's, never
    through a link)."""
    html, media = preview_html(guide, override, MediaStore(cache=media_cache(output, machine_cache)))
    folder = output / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    for item in media:  # the cards name images as the package does: flat, content-hashed
        atomic_write(folder / item.name, item.read())
    return atomic_write(folder / PAGE, html)
