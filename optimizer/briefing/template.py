"""The briefing deck's template: a 16:9 slide master whose shapes carry the handling marking.

The shipped template (`templates/briefing.pptx`, built by `make_template`) is a plain PowerPoint file:
staff restyle it in PowerPoint (fonts, colours, logo, title position) and pass it to `decontrol brief
--template FILE`. Its slide master holds two text boxes named "Marking top" and "Marking bottom"; every
layout shows the master's shapes, so the marking appears on every slide without being copied to each
one. `open_template` loads a template and writes the deck's marking into those boxes (adding them to
a template that has none), so the marking stays editable both per deck (`--marking`) and in the file.

    python -m optimizer.briefing.template    # rebuild the shipped template
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from optimizer.errors import DecontrolError

if TYPE_CHECKING:
    from pptx.presentation import Presentation as Deck
    from pptx.slide import Slide, SlideLayout, SlideMaster

TEMPLATE_PATH = Path(__file__).with_name("templates") / "briefing.pptx"
MARKING_SHAPES = ("Marking top", "Marking bottom")
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
NAVY = RGBColor(0x1F, 0x2A, 0x44)
RED = RGBColor(0xB0, 0x1E, 0x2D)
GREY = RGBColor(0x5F, 0x6B, 0x7A)
#: Layouts the deck uses, by name (a restyled template must keep these names).
TITLE_LAYOUT, CONTENT_LAYOUT, BLANK_LAYOUT = "Title Slide", "Title Only", "Blank"


def marking_box_positions(height: int) -> tuple[int, int]:
    """Top of the header and footer marking boxes for a slide of `height` EMU."""
    return int(Inches(0.05)), int(height - Inches(0.4))


def make_template(path: Path = TEMPLATE_PATH, marking: str = "CUI") -> Path:
    """Build the template from python-pptx's default: 16:9, the marking in the master, left-aligned
    navy titles, a slide number bottom right."""
    prs = Presentation()
    sx = SLIDE_W / prs.slide_width
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    master = prs.slide_master
    for part in [master, *master.slide_layouts]:
        for sh in part.placeholders:  # stretch the 4:3 geometry to 16:9
            if sh.element.spPr.find(qn("a:xfrm")) is not None:
                sh.left, sh.width = Emu(int(sh.left * sx)), Emu(int(sh.width * sx))
    for sh in master.placeholders:
        kind = sh.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            sh.left, sh.top, sh.width, sh.height = Inches(0.5), Inches(0.4), Inches(12.3), Inches(0.7)
        elif kind == PP_PLACEHOLDER.SLIDE_NUMBER:
            sh.left, sh.top, sh.width, sh.height = Inches(11.6), Inches(7.05), Inches(1.2), Inches(0.35)
        elif kind in (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER):
            sh.top = Inches(7.05)
    for layout in master.slide_layouts:  # titles of the content layouts follow the master's
        for sh in layout.placeholders:  # and every layout's date, footer and number sit where the master's do
            if sh.placeholder_format.type in (PP_PLACEHOLDER.DATE, PP_PLACEHOLDER.FOOTER, PP_PLACEHOLDER.SLIDE_NUMBER):
                xfrm = sh.element.spPr.find(qn("a:xfrm"))
                if xfrm is not None:
                    sh.element.spPr.remove(xfrm)
        if layout.name == TITLE_LAYOUT:
            _title_slide_layout(layout)
        else:
            for sh in layout.placeholders:
                if sh.placeholder_format.type == PP_PLACEHOLDER.TITLE:
                    xfrm = sh.element.spPr.find(qn("a:xfrm"))
                    if xfrm is not None:
                        sh.element.spPr.remove(xfrm)
    _title_style(master)
    _slide_number_style(master)
    _add_marking_boxes(prs, master, marking)
    path.parent.mkdir(parents=True, exist_ok=True)
    prs.save(str(path))
    return path


def _title_slide_layout(lay: SlideLayout) -> None:
    """The first slide's title: top left, large; its subtitle placeholder under it (the deck writes the
    bottom line there as its own text)."""
    for sh in lay.placeholders:
        kind = sh.placeholder_format.type
        if kind == PP_PLACEHOLDER.CENTER_TITLE:
            sh.left, sh.top, sh.width, sh.height = Inches(0.8), Inches(0.9), Inches(11.7), Inches(1.4)
            _level_style(sh, algn="l", size=3400)
        elif kind == PP_PLACEHOLDER.SUBTITLE:
            sh.left, sh.top, sh.width, sh.height = Inches(0.8), Inches(2.45), Inches(11.7), Inches(3.2)


def _level_style(sh: Any, algn: str, size: int) -> None:
    """A placeholder's first-level text style (its lstStyle): what slides built on the layout inherit."""
    body = sh.element.find(qn("p:txBody"))
    lst = body.find(qn("a:lstStyle"))
    for old in list(lst):
        lst.remove(old)
    lvl = lst.makeelement(qn("a:lvl1pPr"), {"algn": algn})
    rpr = lvl.makeelement(qn("a:defRPr"), {"sz": str(size), "b": "1"})
    fill = rpr.makeelement(qn("a:solidFill"), {})
    fill.append(fill.makeelement(qn("a:srgbClr"), {"val": str(NAVY)}))
    rpr.append(fill)
    lvl.append(rpr)
    lst.append(lvl)


def _title_style(master: SlideMaster) -> None:
    lvl = master.element.find(qn("p:txStyles")).find(qn("p:titleStyle")).find(qn("a:lvl1pPr"))
    lvl.set("algn", "l")
    rpr = lvl.find(qn("a:defRPr"))
    rpr.set("sz", "2600")
    rpr.set("b", "1")
    for fill in rpr.findall(qn("a:solidFill")):
        rpr.remove(fill)
    fill = rpr.makeelement(qn("a:solidFill"), {})
    fill.append(fill.makeelement(qn("a:srgbClr"), {"val": str(NAVY)}))
    rpr.insert(0, fill)


def _slide_number_style(master: SlideMaster) -> None:
    for sh in master.placeholders:
        if sh.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER:
            for p in sh.text_frame.paragraphs:
                p.alignment = PP_ALIGN.RIGHT
                for r in p.runs:
                    r.font.size, r.font.color.rgb = Pt(10), GREY


def _add_marking_boxes(prs: Deck, master: SlideMaster, marking: str) -> None:
    """Two centred red text boxes in the master (built on a scratch slide, moved, the slide dropped)."""
    scratch = prs.slides.add_slide(prs.slide_layouts[6])
    for name, top in zip(MARKING_SHAPES, marking_box_positions(prs.slide_height)):
        box = scratch.shapes.add_textbox(Inches(0.5), Emu(top), prs.slide_width - Inches(1.0), Inches(0.35))
        box.name = name
        tf = box.text_frame
        tf.word_wrap = True
        p = tf.paragraphs[0]
        p.text = marking
        p.alignment = PP_ALIGN.CENTER
        for r in p.runs:
            r.font.size, r.font.bold, r.font.color.rgb = Pt(11), True, RED
        master.shapes._spTree.append(copy.deepcopy(box.element))
    _drop_slide(prs, 0)


def _drop_slide(prs: Deck, index: int) -> None:
    ids = prs.slides._sldIdLst
    sld = list(ids)[index]
    prs.part.drop_rel(sld.get(qn("r:id")))
    ids.remove(sld)


def open_template(marking: str, path: Path | None = None) -> Deck:
    """The template at `path` (default: the shipped one) with `marking` in its master's marking boxes."""
    src = Path(path) if path is not None else TEMPLATE_PATH
    try:
        prs = Presentation(str(src))
    except Exception as exc:  # noqa: BLE001 - python-pptx raises PackageNotFoundError, KeyError, zip errors ...
        raise DecontrolError(f"cannot open the deck template {src}: {exc}") from None
    if len(prs.slides):
        raise DecontrolError(f"the deck template {src} must have no slides (it has {len(prs.slides)})")
    for name in (TITLE_LAYOUT, CONTENT_LAYOUT, BLANK_LAYOUT):
        layout(prs, name)
    master = prs.slide_master
    boxes = [sh for sh in master.shapes if sh.name in MARKING_SHAPES and sh.has_text_frame]
    if len(boxes) < 2:
        _add_marking_boxes(prs, master, marking)
        boxes = [sh for sh in master.shapes if sh.name in MARKING_SHAPES]
    for box in boxes:
        _set_text(box.text_frame, marking)
    for lay in master.slide_layouts:  # a template whose layouts hid the master's shapes would drop the marking
        lay.element.attrib.pop("showMasterSp", None)
    return prs


def _set_text(tf: Any, text: str) -> None:
    """Replace a text frame's text keeping its first run's formatting."""
    p = tf.paragraphs[0]
    runs = p.runs
    if runs:
        runs[0].text = text
        for r in runs[1:]:
            r._r.getparent().remove(r._r)
    else:
        p.text = text
    for extra in tf.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)


def layout(prs: Deck, name: str) -> SlideLayout:
    for lay in prs.slide_layouts:
        if lay.name == name:
            return lay
    raise DecontrolError(f"the deck template has no layout named '{name}'")


def visible_markings(slide: Slide) -> list[tuple[int, str]]:
    """(top, text) of the marking boxes a reader sees on `slide`: its own, its layout's and, where the
    slide and its layout show them, its master's."""
    found = [(int(sh.top), sh.text_frame.text) for sh in slide.shapes if sh.name in MARKING_SHAPES]
    lay = slide.slide_layout
    found += [(int(sh.top), sh.text_frame.text) for sh in lay.shapes if sh.name in MARKING_SHAPES]
    shown = all(el.get("showMasterSp", "1") not in ("0", "false") for el in (slide.element, lay.element))
    if shown:
        found += [(int(sh.top), sh.text_frame.text) for sh in lay.slide_master.shapes if sh.name in MARKING_SHAPES]
    return sorted(found)


def add_slide_number(slide: Slide, number: int) -> None:
    """Copy the layout's slide-number placeholder onto the slide (python-pptx does not), showing `number`."""
    src = next(
        (sh for sh in slide.slide_layout.placeholders if sh.placeholder_format.type == PP_PLACEHOLDER.SLIDE_NUMBER),
        None,
    )
    if src is None:
        raise DecontrolError(f"the deck template's layout '{slide.slide_layout.name}' has no slide number")
    el = copy.deepcopy(src.element)
    slide.shapes._spTree.append(el)
    fields = el.findall(".//" + qn("a:fld"))
    if fields:
        t = fields[0].find(qn("a:t"))
        if t is None:
            t = fields[0].makeelement(qn("a:t"), {})
            fields[0].append(t)
        t.text = str(number)
    else:
        _set_text(slide.shapes[-1].text_frame, str(number))


if __name__ == "__main__":
    print(make_template())
