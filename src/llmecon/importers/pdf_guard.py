"""Bounds on a PDF page's work, checked before pdfplumber extracts its words.

pdfplumber (through pdfminer) decompresses a page's content streams without a limit and
makes an object, some 2 KB, for every glyph it shows: a 28 KB file whose Flate content
expands to 200,000 text operations took more than 6 GB and minutes. So the page's content
streams, and the form XObjects it draws (each as many times as it draws them), are first
decoded here with bounded decompression and counted:

- decoded content (:data:`MAX_PAGE_CONTENT_BYTES`): a statement page has some tens of KB;
- characters in the page's strings (:data:`MAX_PAGE_CHARACTERS`), an upper bound on the
  glyphs shown: a statement page shows a few thousand;
- graphics operators (:data:`MAX_PAGE_OPERATORS`): each path segment or rectangle, painting,
  clip, saved graphics state, and image or form drawn makes pdfminer keep an object or a
  copy of its state, up to some 4 KB (``0 0 1 1 re`` repeated: 4.3 KB and 0.1 ms each), and
  costs nothing against the other two limits (a 4.6 KB file of 160,000 rectangles took
  20 s and 750 MB). A statement page has a few hundred (Meta's release p. 1: 161), a page
  with a vector logo a few thousand.

A page over any limit is refused, naming the page and the limit. The filters that can
expand (Flate, LZW, RunLength) decode at most the limit; ASCIIHex and ASCII85 can only
shrink or barely grow their input, whose size is bounded first. Image filters (DCT, JBIG2,
JPX, CCITT) are not decoded by pdfminer for text, so a stream using one is counted as it is
stored.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Sequence
from io import BytesIO
from typing import Any

from llmecon.errors import InputError

#: Largest decoded content of one page (its content streams, plus each form XObject it draws
#: counted every time it is drawn), bytes.
MAX_PAGE_CONTENT_BYTES = 2 * 1024 * 1024
#: Most characters in one page's strings (an upper bound on the glyphs shown).
MAX_PAGE_CHARACTERS = 100_000
#: Most graphics operators on one page (see :data:`_GRAPHICS`), forms counted every time
#: they are drawn: at most some 220 MB and 5 s in pdfplumber (49,999 ``re`` and an ``f``:
#: 4.5 s, 259 MB peak for the whole process).
MAX_PAGE_OPERATORS = 50_000
#: Deepest nesting of form XObjects followed.
MAX_FORM_DEPTH = 24

_OUTSIDE = re.compile(rb"[(%<]|(?<![^\s\])>])ID\s")
_INSIDE = re.compile(rb"[()\\]")
_EOL = re.compile(rb"[\r\n]")
_END_INLINE_IMAGE = re.compile(rb"\sEI(?![^\s/\[(<%])")
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]*)\s*Do(?![^\s/\[\]()<>{}%])")
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
#: A token as pdfminer's lexer splits content outside strings (a name, a number, a keyword
#: — the group — or one other byte): ``1 1re`` is the number 1 and the keyword ``re``.
_TOKEN = re.compile(rb"/[^/%\[\]()<>{}\s]*|[-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*"
                    rb"|([A-Za-z][^#/%\[\]()<>{}\s]*)|\S")
#: Operators that make pdfminer keep something: path construction, painting, clipping,
#: saving the graphics state, and drawing an XObject or an inline image.
_GRAPHICS = (b"m", b"l", b"c", b"v", b"y", b"h", b"re", b"S", b"s", b"f", b"F", b"f*", b"B",
             b"B*", b"b", b"b*", b"n", b"W", b"W*", b"q", b"Do", b"BI")


class _TooMuch(Exception):
    """The page is over a limit (turned into an :class:`InputError` naming the page)."""


def check_page(page: Any, where: str) -> None:
    """Refuse a page (a pdfminer ``PDFPage``) whose decoded content or characters exceed
    the limits, before anything is extracted from it; ``where`` names it (``FILE p. N``)."""
    from pdfminer.pdftypes import stream_value

    try:
        streams = [stream_value(s) for s in page.contents]
        _Counter(where).cost(streams, _as_dict(page.resources), ())
    except _TooMuch as e:
        raise InputError(f"{where}: {e}; refused before reading its text (a damaged or "
                         "hostile file)") from None


class _Counter:
    """Decoded bytes, characters and graphics operators of a page, forms counted each time
    they are drawn."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.memo: dict[tuple[int, int], tuple[int, int, int]] = {}

    def cost(self, streams: Sequence[Any], resources: dict[str, Any],
             stack: tuple[int, ...]) -> tuple[int, int, int]:
        """(bytes, characters, graphics operators) of ``streams`` read together, with the
        forms they draw."""
        if len(stack) > MAX_FORM_DEPTH:
            raise _TooMuch(f"drawings (form XObjects) nested more than {MAX_FORM_DEPTH} deep")
        parts = []
        size = 0
        for s in streams:
            parts.append(_decoded(s, MAX_PAGE_CONTENT_BYTES - size))
            size += len(parts[-1])
        chars, drawn, ops = _scan(b"\n".join(parts))
        _check(size, chars, ops)
        xobjects = _as_dict(_resolve(resources.get("XObject")))
        for name, times in drawn.items():
            form = _resolve(xobjects.get(name))
            if not _is_form(form) or id(form) in stack:  # a form drawing itself: pdfminer's
                continue
            own = _as_dict(_resolve(form.get("Resources"))) or resources
            key = (id(form), id(own))
            if key not in self.memo:
                self.memo[key] = self.cost([form], own, (*stack, id(form)))
            fb, fc, fo = self.memo[key]
            size, chars, ops = size + times * fb, chars + times * fc, ops + times * fo
            _check(size, chars, ops)
        return size, chars, ops


def _check(size: int, chars: int, ops: int) -> None:
    if size > MAX_PAGE_CONTENT_BYTES:
        raise _TooMuch(f"more than {MAX_PAGE_CONTENT_BYTES:,} bytes of page content once "
                       "decompressed (a statement page has some tens of KB)")
    if chars > MAX_PAGE_CHARACTERS:
        raise _TooMuch(f"more than {MAX_PAGE_CHARACTERS:,} characters of text on the page "
                       "(a statement page has a few thousand)")
    if ops > MAX_PAGE_OPERATORS:
        raise _TooMuch(f"more than {MAX_PAGE_OPERATORS:,} graphics operators (paths, images, "
                       "drawings) on the page (a statement page has a few hundred)")


def _resolve(x: Any) -> Any:
    from pdfminer.pdftypes import resolve1

    return resolve1(x)


def _as_dict(x: Any) -> dict[str, Any]:
    return x if isinstance(x, dict) else {}


def _is_form(x: Any) -> bool:
    from pdfminer.pdftypes import PDFStream

    return isinstance(x, PDFStream) and getattr(_resolve(x.get("Subtype")), "name",
                                                None) == "Form"


def _decoded(stream: Any, limit: int) -> bytes:
    """The stream's data as pdfminer would decode it, raising :class:`_TooMuch` past
    ``limit`` bytes (never decoding much more than that)."""
    from pdfminer import pdftypes as t
    from pdfminer.ascii85 import ascii85decode, asciihexdecode

    if stream.data is not None:  # already decoded by pdfminer
        data: bytes = stream.data
        return data if len(data) <= limit else _over()
    data = stream.rawdata or b""
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    for f, params in stream.get_filters():
        if len(data) > 4 * MAX_PAGE_CONTENT_BYTES:
            _over()
        if f in t.LITERALS_FLATE_DECODE:
            data = _inflate(data, limit)
        elif f in t.LITERALS_LZW_DECODE:
            data = _unlzw(data, limit)
        elif f in t.LITERALS_RUNLENGTH_DECODE:
            data = _unrun(data, limit)
        elif f in t.LITERALS_ASCII85_DECODE:
            data = ascii85decode(data)
        elif f in t.LITERALS_ASCIIHEX_DECODE:
            data = asciihexdecode(data)
        else:  # an image or unknown filter: pdfminer reads no text through it
            break
        data = _unpredict(data, _as_dict(_resolve(params)))
    return data if len(data) <= limit else _over()


def _over() -> bytes:
    raise _TooMuch(f"more than {MAX_PAGE_CONTENT_BYTES:,} bytes of page content once "
                   "decompressed (a statement page has some tens of KB)")


def _inflate(data: bytes, limit: int) -> bytes:
    """Flate, as pdfminer reads it (a stream damaged only in its last bytes, the checksum,
    keeps what came before; otherwise nothing), at most ``limit`` + 1 bytes."""
    try:
        return zlib.decompressobj().decompress(data, limit + 1)
    except zlib.error:
        pass
    try:
        return zlib.decompressobj().decompress(data[:-4], limit + 1)
    except zlib.error:
        return b""


def _unlzw(data: bytes, limit: int) -> bytes:
    from pdfminer.lzw import LZWDecoder

    out = bytearray()
    for piece in LZWDecoder(BytesIO(data)).run():
        out += piece
        if len(out) > limit:
            break
    return bytes(out)


def _unrun(data: bytes, limit: int) -> bytes:
    """RunLength (PDF 32000-1 7.4.5), at most ``limit`` + 1 bytes."""
    out = bytearray()
    i, n = 0, len(data)
    while i < n and data[i] != 128 and len(out) <= limit:
        length = data[i]
        if length < 128:
            out += data[i + 1:i + 2 + length]
            i += 2 + length
        else:
            out += data[i + 1:i + 2] * (257 - length)
            i += 2
    return bytes(out)


def _unpredict(data: bytes, params: dict[str, Any]) -> bytes:
    """The PNG or TIFF predictor of a Flate or LZW stream undone (output no larger)."""
    from pdfminer.utils import apply_png_predictor

    pred = int(_resolve(params.get("Predictor", 1)) or 1)
    if pred not in (2,) and pred < 10:
        return data
    colors, columns, bits = (int(_resolve(params.get(k, 1 if k != "BitsPerComponent" else 8)))
                             for k in ("Colors", "Columns", "BitsPerComponent"))
    if pred == 2:
        try:
            from pdfminer.utils import apply_tiff_predictor
        except ImportError:  # pdfminer.six 20231228 (pdfplumber < 0.11.6) refuses the stream
            return data      # itself when it reads it; the TIFF predictor keeps its length
        return apply_tiff_predictor(colors, columns, bits, data)
    return apply_png_predictor(pred, colors, columns, bits, data)


def _scan(data: bytes) -> tuple[int, Counter[str], int]:
    """(characters in strings, times each named XObject is drawn, graphics operators) in
    content ``data``."""
    chars = 0
    outside: list[bytes] = []
    pos, n = 0, len(data)
    while (m := _OUTSIDE.search(data, pos)) is not None:
        outside.append(data[pos:m.start()])
        c = data[m.start()]
        if c == 0x25:  # % comment: to the end of the line
            eol = _EOL.search(data, m.end())
            pos = eol.start() if eol else n
        elif c == 0x3C and data[m.end():m.end() + 1] == b"<":  # << a dictionary
            outside.append(b" << ")
            pos = m.end() + 1
        elif c == 0x3C:  # <hex string>
            end = data.find(b">", m.end())
            end = n if end < 0 else end
            chars += (end - m.end() + 1) // 2
            pos = end + 1
        elif c == 0x28:  # (literal string), nested parentheses balanced
            pos = _string_end(data, m.end())
            chars += pos - m.end()
        else:  # inline image data, to EI
            ei = _END_INLINE_IMAGE.search(data, m.end())
            pos = ei.end() if ei else n
        outside.append(b" ")
    outside.append(data[pos:])
    rest = b"".join(outside)
    keywords = Counter(_TOKEN.findall(rest))
    return (chars, Counter(_name(x) for x in _DO.findall(rest)),
            sum(keywords[k] for k in _GRAPHICS))


def _name(raw: bytes) -> str:
    """A name as pdfminer keys it (``#xx`` decoded; UTF-8, else the bytes' repr)."""
    b = _HEX_ESCAPE.sub(lambda h: bytes([int(h[1], 16)]), raw)
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        return str(b)


def _string_end(data: bytes, pos: int) -> int:
    """The position after the literal string that starts just before ``pos``."""
    depth = 1
    while depth and (m := _INSIDE.search(data, pos)) is not None:
        c = data[m.start()]
        if c == 0x5C:  # backslash escapes the next byte
            pos = m.start() + 2
            continue
        depth += 1 if c == 0x28 else -1
        pos = m.end()
    return pos if depth == 0 else len(data)
