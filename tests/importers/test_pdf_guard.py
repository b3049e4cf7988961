"""Bounds on a page's work before pdfplumber extracts it (attack33 H1: a 28 KB PDF whose
Flate content expands to 200,000 text operations took more than 6 GB and minutes)."""

from __future__ import annotations

import time
import zlib
from pathlib import Path

import pytest

from llmecon.errors import InputError
from llmecon.importers import pdf_guard
from llmecon.importers.pdf import read_page_words

pytest.importorskip("pdfplumber")

FIXTURE = Path(__file__).parent.parent / "data" / "pdf" / "meta-report-1.pdf"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _stream(data: bytes, filters: bytes = b"/FlateDecode", extra: bytes = b"") -> bytes:
    return (b"<< /Length %d /Filter %s %s >>\nstream\n" % (len(data), filters, extra)
            + data + b"\nendstream")


def _pdf(path: Path, content: bytes, *, filters: bytes = b"/FlateDecode",
         xobjects: bytes = b"", more: tuple[bytes, ...] = ()) -> Path:
    """A one-page PDF: object 4 the page's content (already encoded), 5 a font, 6... ``more``."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> " + xobjects + b" >> >>",
            _stream(content, filters), _FONT, *more]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objs) + 1, xref)
    path.write_bytes(out)
    return path


@pytest.fixture
def no_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if pdfplumber starts extracting: the check must refuse first."""
    import pdfplumber.page

    def boom(*_a: object, **_k: object) -> None:
        raise AssertionError("extract_words ran on a page that should have been refused")

    monkeypatch.setattr(pdfplumber.page.Page, "extract_words", boom)


def _refused(path: Path, what: str) -> str:
    with pytest.raises(InputError) as e:
        read_page_words(path, 1)
    msg = str(e.value)
    assert msg.startswith(f"{path} p. 1: more than ") and what in msg, msg
    assert "\n" not in msg
    return msg


@pytest.mark.usefixtures("no_extraction")
def test_text_operations_bomb_refused_by_decoded_size(tmp_path: Path) -> None:
    # attack33 H1's file: 200,000 copies of one text-show operation, ~28 KB compressed
    content = zlib.compress(b"BT /F1 12 Tf 72 700 Td (Revenue 100 200) Tj ET\n" * 200_000, 9)
    path = _pdf(tmp_path / "bomb.pdf", content)
    assert path.stat().st_size < 40_000
    assert "2,097,152 bytes of page content" in _refused(path, "decompressed")


@pytest.mark.usefixtures("no_extraction")
def test_compressed_whitespace_refused(tmp_path: Path) -> None:
    path = _pdf(tmp_path / "ws.pdf", zlib.compress(b" " * (8 * 1024 * 1024), 9))
    _refused(path, "bytes of page content")


@pytest.mark.usefixtures("no_extraction")
def test_one_long_string_refused_by_characters(tmp_path: Path) -> None:
    # 200,000 glyphs in one Tj: small content (200 KB) but ~500 MB in pdfplumber
    content = zlib.compress(b"BT /F1 12 Tf 72 700 Td (" + b"A" * 200_000 + b") Tj ET\n")
    msg = _refused(_pdf(tmp_path / "chars.pdf", content), "characters of text")
    assert "100,000" in msg


@pytest.mark.usefixtures("no_extraction")
def test_form_drawn_many_times_counted_each_time(tmp_path: Path) -> None:
    form = zlib.compress(b"BT /F1 12 Tf 72 700 Td (" + b"B" * 200 + b") Tj ET\n")
    xobj = _stream(form, extra=b"/Type /XObject /Subtype /Form /BBox [0 0 612 792] "
                   b"/Resources << /Font << /F1 5 0 R >> >>")
    page = zlib.compress(b"/X#30 Do\n" * 1000)  # #30 is '0': the name X0
    path = _pdf(tmp_path / "forms.pdf", page, xobjects=b"/XObject << /X0 6 0 R >>",
                more=(xobj,))
    _refused(path, "characters of text")


@pytest.mark.usefixtures("no_extraction")
def test_run_length_and_filter_chains_bounded(tmp_path: Path) -> None:
    runs = bytes([129, 0x20]) * 20_000 + bytes([128])  # 2 bytes -> 128 spaces: 2.5 MB
    _refused(_pdf(tmp_path / "rl.pdf", runs, filters=b"/RunLengthDecode"), "bytes")
    hexed = zlib.compress(b" " * (4 * 1024 * 1024)).hex().encode() + b">"
    _refused(_pdf(tmp_path / "hx.pdf", hexed, filters=b"[/ASCIIHexDecode /FlateDecode]"),
             "bytes")


def test_strings_comments_and_inline_images_scanned() -> None:
    chars, drawn, ops = pdf_guard._scan(b"(a(b)c\\)) Tj % (not a string) /Y Do\n<4142> Tj "
                                        b"BI /W 1 ID (((( re EI /X Do /X Do")
    assert chars == len("a(b)c\\))") + 2  # bytes to the closing parenthesis; hex halved
    assert drawn == {"X": 2}
    assert ops == 3  # BI and the two Do; nothing in the comment or the image's data


def test_operators_counted_as_pdfminer_splits_them() -> None:
    # "1re" is the number 1 and the operator re; /re is a name, (re) a string, ref and f1
    # other keywords; q counts (a saved state is kept until Q), Q and colour do not
    content = b"0 0 1 1re f* 1.5 2 3 4 re#re /re (re f) Tj ref f1 q Q 0 g W n 1 2 m 3 4 l S"
    assert pdf_guard._scan(content)[2] == 10


def _image() -> bytes:
    return (b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Length 1 >>\nstream\n\x00\nendstream")


@pytest.mark.usefixtures("no_extraction")
def test_rectangle_bomb_refused(tmp_path: Path) -> None:
    # review33 H1: 160,000 filled rectangles, 4.6 KB; no characters and 2 MB decoded, but
    # 20 s and 750 MB in pdfplumber
    path = _pdf(tmp_path / "rects.pdf", zlib.compress(b"0 0 1 1 re f\n" * 160_000, 9))
    assert path.stat().st_size < 10_000
    start = time.perf_counter()
    msg = _refused(path, "graphics operators")
    assert "50,000" in msg and time.perf_counter() - start < 5


@pytest.mark.usefixtures("no_extraction")
def test_image_bomb_refused(tmp_path: Path) -> None:
    # review33 H1: 75,000 draws of a 1-pixel image (8 s, 212 MB in pdfplumber)
    content = zlib.compress(b"q 1 0 0 1 0 0 cm /Im1 Do Q\n" * 75_000, 9)
    path = _pdf(tmp_path / "imgs.pdf", content, xobjects=b"/XObject << /Im1 6 0 R >>",
                more=(_image(),))
    assert path.stat().st_size < 10_000
    _refused(path, "graphics operators")


@pytest.mark.usefixtures("no_extraction")
def test_form_of_paths_drawn_many_times_counted_each_time(tmp_path: Path) -> None:
    form = zlib.compress(b"0 0 1 1 re\n" * 100 + b"f\n")  # 101 operators, drawn 500 times
    xobj = _stream(form, extra=b"/Type /XObject /Subtype /Form /BBox [0 0 612 792]")
    path = _pdf(tmp_path / "forms.pdf", zlib.compress(b"/X0 Do\n" * 500),
                xobjects=b"/XObject << /X0 6 0 R >>", more=(xobj,))
    _refused(path, "graphics operators")


def test_real_statement_page_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    # Meta's Q2 2023 release p. 1 (29 KB of content) is far below the limits ...
    words = read_page_words(FIXTURE, 1)
    assert any(w["text"] == "Revenue" for w in words)
    # ... and refused only when a limit is set below its own size
    monkeypatch.setattr(pdf_guard, "MAX_PAGE_CONTENT_BYTES", 20_000)
    with pytest.raises(InputError, match=r"p\. 1: more than 20,000 bytes"):
        read_page_words(FIXTURE, 1)
    monkeypatch.undo()
    monkeypatch.setattr(pdf_guard, "MAX_PAGE_OPERATORS", 100)  # it has 161
    with pytest.raises(InputError, match=r"p\. 1: more than 100 graphics operators"):
        read_page_words(FIXTURE, 1)


def test_each_page_released_after_its_words(monkeypatch: pytest.MonkeyPatch) -> None:
    # pdfplumber keeps a page's objects until the file closes: a range of pages would add up
    import pdfplumber.page

    closed: list[int] = []
    real_close = pdfplumber.page.Page.close

    def close(self: pdfplumber.page.Page) -> None:
        closed.append(self.page_number)
        real_close(self)

    monkeypatch.setattr(pdfplumber.page.Page, "close", close)
    assert read_page_words(FIXTURE, 1)
    assert closed[:1] == [1]
