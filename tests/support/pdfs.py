"""PDFs built byte by byte, clean ones and ones hiding active content the ways attackers do
(object streams, filters with predictors, name escapes, incremental updates), so the upload
checks are tested against files whose every offset we know.

`PdfFile` writes a classic cross-reference table; `with_object_stream` packs objects into an
object stream indexed by a cross-reference stream (PDF 1.5), with the filter of your choice;
`incremental_update` appends a revision to an existing file, as a signing or form-filling
reader does.
"""

from __future__ import annotations

import random
import re
import zlib
from collections.abc import Callable, Mapping

from fpdf import FPDF

JAVASCRIPT_ACTION = b"<< /S /JavaScript /JS (app.alert\\('owned'\\)) >>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
CONTENT = b"BT /F1 12 Tf 72 720 Td (Giay khai sinh) Tj ET"


def stream(dictionary: bytes, data: bytes) -> bytes:
    """A stream object's body: `dictionary` (a whole `<< >>`) given its /Length, then `data`."""
    assert dictionary.startswith(b"<<")
    assert dictionary.endswith(b">>")
    length = b" /Length " + str(len(data)).encode()
    return dictionary[:-2] + length + b" >>\nstream\n" + data + b"\nendstream"


class PdfFile:
    """Numbered objects written in order, with a correct cross-reference table."""

    def __init__(self, objects: Mapping[int, bytes], *, version: bytes = b"1.4") -> None:
        self.objects = dict(objects)
        self.version = version

    def build(self, *, root: int = 1, trailer_extra: bytes = b"") -> bytes:
        out = bytearray(b"%PDF-" + self.version + b"\n%\xe2\xe3\xcf\xd3\n")
        offsets: dict[int, int] = {}
        for number in sorted(self.objects):
            offsets[number] = len(out)
            out += b"%d 0 obj\n%s\nendobj\n" % (number, self.objects[number])
        size = max(self.objects) + 1
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            if number in offsets:
                out += b"%010d 00000 n \n" % offsets[number]
            else:
                out += b"0000000000 65535 f \n"
        out += b"trailer\n<< /Size %d /Root %d 0 R%s >>\n" % (size, root, trailer_extra)
        out += b"startxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)


def one_page(catalog: bytes = CATALOG, page: bytes = PAGE, **extra: bytes) -> bytes:
    """A one-page PDF; `extra` adds objects by number (`o5=b"..."`)."""
    objects = {1: catalog, 2: PAGES, 3: page, 4: stream(b"<< >>", CONTENT)}
    objects.update({int(key[1:]): body for key, body in extra.items()})
    return PdfFile(objects).build()


def multi_page(pages: int = 3) -> bytes:
    """A clean PDF of several pages, each with its own compressed content stream."""
    kids = b" ".join(b"%d 0 R" % (10 + 2 * i) for i in range(pages))
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R /PageMode /UseOutlines >>",
        2: b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        5: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for i in range(pages):
        text = b"BT /F1 14 Tf 72 720 Td (Trang %d) Tj ET" % (i + 1)
        objects[10 + 2 * i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 5 0 R >> >> /Contents %d 0 R >>" % (11 + 2 * i)
        )
        objects[11 + 2 * i] = stream(b"<< /Filter /FlateDecode >>", zlib.compress(text))
    return PdfFile(objects).build()


def fpdf2_document(pages: int = 2) -> bytes:
    """A PDF as our receipts and the agencies' result documents are made (fpdf2)."""
    pdf = FPDF()
    pdf.set_title("Giay tiep nhan ho so")
    for number in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", size=14)
        pdf.cell(text=f"Trang {number + 1}: ho so 000.00.01.H12-261204-0001")
        pdf.link(x=10, y=30, w=60, h=10, link="https://dichvucong.gov.vn/")
    return bytes(pdf.output())


def ascii_hex(data: bytes) -> bytes:
    return data.hex().upper().encode() + b">"


def png_up(data: bytes, columns: int) -> bytes:
    """PNG predictor 2 ("Up") on every row, then Flate: what `/Predictor 12` decodes. Each
    row is stored as its difference from the row above, so no dictionary survives as text."""
    padded = data + b"\x00" * (-len(data) % columns)
    previous = bytes(columns)
    out = bytearray()
    for start in range(0, len(padded), columns):
        row = padded[start : start + columns]
        out.append(2)
        out += bytes((a - b) & 0xFF for a, b in zip(row, previous, strict=True))
        previous = row
    return zlib.compress(bytes(out))


Encoder = Callable[[bytes], tuple[bytes, bytes]]  # data -> (filter entries, encoded data)


def flate_encoded(data: bytes) -> tuple[bytes, bytes]:
    return b"/Filter /FlateDecode", zlib.compress(data)


def hex_encoded(data: bytes) -> tuple[bytes, bytes]:
    return b"/Filter /ASCIIHexDecode", ascii_hex(data)


def predictor_encoded(columns: int = 5) -> Encoder:
    def encode(data: bytes) -> tuple[bytes, bytes]:
        parms = b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns %d >>" % columns
        return parms, png_up(data, columns)

    return encode


def with_object_stream(
    packed: Mapping[int, bytes],
    plain: Mapping[int, bytes] | None = None,
    *,
    encode: Encoder = hex_encoded,
    root: int = 1,
) -> bytes:
    """A PDF 1.5 whose objects `packed` live in one object stream (encoded by `encode`) and
    whose cross-reference is a stream, as modern producers write them."""
    plain = dict(plain or {})
    numbers = sorted(packed)
    bodies = b""
    header_parts: list[bytes] = []
    for number in numbers:
        header_parts.append(b"%d %d" % (number, len(bodies)))
        bodies += packed[number] + b"\n"
    header = b" ".join(header_parts) + b"\n"
    filters, encoded = encode(header + bodies)
    stream_number = max([*numbers, *plain]) + 1
    xref_number = stream_number + 1
    plain[stream_number] = stream(
        b"<< /Type /ObjStm /N %d /First %d %s >>" % (len(numbers), len(header), filters), encoded
    )
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(plain):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, plain[number])
    offsets[xref_number] = len(out)
    size = xref_number + 1
    rows = bytearray()
    for number in range(size):
        if number in offsets:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00"
        elif number in packed:
            index = numbers.index(number)
            rows += b"\x02" + stream_number.to_bytes(4, "big") + index.to_bytes(2, "big")
        else:
            rows += b"\x00" + b"\x00\x00\x00\x00" + b"\xff\xff"
    xref = stream(b"<< /Type /XRef /Size %d /Root %d 0 R /W [1 4 2] >>" % (size, root), rows)
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_number, xref)
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def incremental_update(base: bytes, objects: Mapping[int, bytes], *, root: int = 1) -> bytes:
    """`base` with a revision appended that replaces or adds `objects` (classic xref)."""
    match = re.findall(rb"startxref\s+(\d+)\s+%%EOF", base)
    previous = int(match[-1])
    sizes = [int(s) for s in re.findall(rb"/Size (\d+)", base)]
    out = bytearray(base)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    size = max([*sizes, *(n + 1 for n in objects)])
    xref = len(out)
    out += b"xref\n"
    for number in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\n" % (size, root, previous)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# The corpus: each one a way to smuggle something a reader would run or unpack.


def open_action_in_hex_object_stream() -> bytes:
    """Audit finding 5, first bypass: the catalog with a JavaScript /OpenAction sits in an
    object stream encoded with /ASCIIHexDecode (the raw bytes show only hex digits)."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + JAVASCRIPT_ACTION + b" >>"
    return with_object_stream({1: catalog, 2: PAGES}, {3: PAGE, 4: stream(b"<< >>", CONTENT)})


def open_action_behind_predictor() -> bytes:
    """Audit finding 5, second bypass: the same catalog in a Flate object stream with
    /DecodeParms << /Predictor 12 >>: inflating without undoing the predictor shows noise."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + JAVASCRIPT_ACTION + b" >>"
    return with_object_stream(
        {1: catalog, 2: PAGES},
        {3: PAGE, 4: stream(b"<< >>", CONTENT)},
        encode=predictor_encoded(columns=7),
    )


def escaped_javascript_name() -> bytes:
    """/J#61vaScript and /J#53 are /JavaScript and /JS once the name escapes are read."""
    action = b"<< /S /J#61vaScript /J#53 (app.alert\\(1\\)) >>"
    return one_page(catalog=b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>", o6=action)


def page_additional_action() -> bytes:
    """/AA on a page: an action run when the page opens (here a named action, no script)."""
    page = PAGE[:-2] + b" /AA << /O << /S /Named /N /Print >> >> >>"
    return one_page(page=page)


def launch_action() -> bytes:
    """A link that starts a program on the reader's computer."""
    annotation = b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A 7 0 R >>"
    page = PAGE[:-2] + b" /Annots [6 0 R] >>"
    launch = b"<< /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) /P (/c calc) >> >>"
    return one_page(page=page, o6=annotation, o7=launch)


def embedded_file() -> bytes:
    """A file carried inside the PDF, listed in the document's /EmbeddedFiles name tree."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 6 0 R >> >>"
    tree = b"<< /Names [(invoice.exe) 7 0 R] >>"
    spec = b"<< /Type /Filespec /F (invoice.exe) /EF << /F 8 0 R >> >>"
    payload = stream(b"<< /Type /EmbeddedFile >>", b"MZ\x90\x00 not really a program")
    return one_page(catalog=catalog, o6=tree, o7=spec, o8=payload)


def file_attachment_annotation() -> bytes:
    """A paper-clip annotation carrying a file, with no name tree at all."""
    annotation = (
        b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] "
        b"/FS << /Type /Filespec /F (a.txt) >> >>"
    )
    return one_page(page=PAGE[:-2] + b" /Annots [6 0 R] >>", o6=annotation)


def xfa_form() -> bytes:
    """An XFA form (XML that can carry scripts) in the AcroForm."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] /XFA 6 0 R >> >>"
    xfa = stream(b"<< >>", b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><script/></xdp:xdp>")
    return one_page(catalog=catalog, o6=xfa)


def rich_media() -> bytes:
    """A /RichMedia annotation (Flash or video with its own scripting)."""
    annotation = b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 20 20] >>"
    return one_page(page=PAGE[:-2] + b" /Annots [6 0 R] >>", o6=annotation)


def javascript_in_update() -> bytes:
    """A clean file whose incremental update (a later revision) adds the JavaScript."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction 6 0 R >>"
    return incremental_update(one_page(), {1: catalog, 6: JAVASCRIPT_ACTION})


def javascript_in_earlier_revision() -> bytes:
    """JavaScript in the first revision, replaced by a clean catalog in the second: a reader
    showing earlier revisions (as signature panels do) would still find it."""
    catalog = b"<< /Type /Catalog /Pages 2 0 R /OpenAction " + JAVASCRIPT_ACTION + b" >>"
    return incremental_update(one_page(catalog=catalog), {1: CATALOG})


def javascript_in_unlisted_object() -> bytes:
    """A JavaScript action whose object no cross-reference lists (its entry says free): a
    reader repairing the file finds it by scanning for `obj`."""
    data = one_page(o9=JAVASCRIPT_ACTION)
    listed = re.findall(rb"\d{10} 00000 n \n", data)[-1]
    return data.replace(listed, b"0000000000 65535 f \n")


def clean_update() -> bytes:
    """A legitimate incremental update (a second page added later) that must pass."""
    pages = b"<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    return incremental_update(one_page(), {2: pages, 6: page})


def bomb_stream(megabytes: int) -> bytes:
    """An object stream whose few hundred kilobytes inflate to `megabytes` of spaces."""
    deflater = zlib.compressobj(9)
    chunk = b" " * 1_000_000
    packed = b"".join(deflater.compress(chunk) for _ in range(megabytes)) + deflater.flush()
    return stream(b"<< /Type /ObjStm /N 0 /First 0 /Filter /FlateDecode >>", packed)


def flate_bomb(megabytes: int = 200) -> bytes:
    """A one-page PDF carrying a `bomb_stream`."""
    return one_page(o6=bomb_stream(megabytes))


def scanned_pdf(megabytes: float) -> bytes:
    """A scan as a phone's file picker has it: a real one-page PDF whose image does not
    compress (noise), about `megabytes` large, so that it takes several upload chunks."""
    from fpdf import FPDF
    from PIL import Image

    side = int((megabytes * 1_000_000 / 3) ** 0.5)
    noise = Image.frombytes("RGB", (side, side), random.Random(7).randbytes(side * side * 3))
    pdf = FPDF()
    pdf.add_page()
    pdf.image(noise, x=10, y=10, w=190)
    return bytes(pdf.output())
