"""Active content in a PDF, found by reading it as a PDF reader does (with pypdf), not by
searching its bytes.

A reader runs JavaScript, starts programs or unpacks files because some dictionary says so,
and that dictionary may sit anywhere a reader finds objects: in the file body, inside an
object stream under any filter chain (ASCIIHex, Flate with a PNG predictor, LZW, ...), or in
an earlier revision that an incremental update has since replaced (signature panels show
earlier revisions). So every indirect object of every revision is parsed, object streams are
decoded and their objects parsed too, and object bodies that no cross-reference lists (a
reader repairing the file would find them) are parsed as well. Names are compared after
`#xx` escapes are read, and case-insensitively: refusing a `/javascript` no reader honours
costs nothing.

Refused (`active_content`): JavaScript (/JS, /JavaScript), launch and embedded go-to
actions, an /OpenAction that is an action rather than a destination (fpdf2, like most
producers, writes `/OpenAction [page /FitH null]`: that only chooses the first view),
additional actions (/AA), embedded files (/EmbeddedFile(s), /EF, /FileAttachment), /RichMedia,
3D annotations (their streams carry scripts) and XFA forms (/XFA), and `javascript:` links.

Only object streams are decoded: page contents, images and fonts hold no dictionary a reader
acts on, so inflating a scanned page would spend the budget for nothing. Decoding is bounded:
pypdf's own per-stream limits are set to `MAX_DECODED`, and the object streams of one file
may decode to `MAX_DECODED` bytes in all; past that the file is refused (`malformed`), never
accepted unchecked. A file pypdf cannot read, or one locked with a password, is `malformed`
— unless its raw bytes plainly name active content (a lenient reader repairs such a file and
runs it), which is the more useful reason to give.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

from pypdf import PdfReader, apply_configuration
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
    read_object,
)

MAX_DECODED = 50_000_000  # bytes of object streams decoded per file, all revisions together
MAX_REVISIONS = 100  # incremental updates; a form saved a hundred times is not a citizen's scan
MAX_UNLISTED = 10_000  # object bodies no cross-reference lists, parsed one by one
# Names that run code, start programs or carry files, wherever they appear (key or value).
ACTIVE_NAMES = frozenset(
    {
        "/js",
        "/javascript",
        "/launch",
        "/gotoe",
        "/aa",
        "/embeddedfile",
        "/embeddedfiles",
        "/ef",
        "/fileattachment",
        "/richmedia",
        "/3d",
        "/xfa",
    }
)
# An /OpenAction may name the first view (a destination) or go to one; any other action runs.
HARMLESS_OPEN_ACTIONS = frozenset({"/goto"})
_REVISION_END = re.compile(rb"startxref\s+\d+\s*%%EOF")
_RAW_NAME = re.compile(rb"/(?:[A-Za-z0-9_.+-]|#[0-9A-Fa-f]{2})+")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_OBJECT_HEADER = re.compile(rb"(?<![0-9])\d{1,10}[ \t\r\n\f\x00]+\d{1,5}[ \t\r\n\f\x00]+obj\b")


class ActiveContent(Exception):
    """Found something a reader would run or unpack."""


class Unreadable(Exception):
    """The PDF cannot be read within our limits."""


def pdf_refusal(data: bytes) -> str | None:
    """`active_content`, `malformed`, or None for a PDF with nothing a reader would run.
    CPU-bound: run it in a thread."""
    with apply_configuration(
        zlib_maximum_output_length=MAX_DECODED,
        lzw_maximum_output_length=MAX_DECODED,
        run_length_maximum_output_length=MAX_DECODED,
        brotli_maximum_output_length=MAX_DECODED,
        jbig2_maximum_output_length=MAX_DECODED,
        array_based_stream_maximum_output_length=MAX_DECODED,
        stream_decoding_work_maximum_length=2 * MAX_DECODED,
        maximum_declared_stream_length=MAX_DECODED,
        jbig2dec_binary=None,  # never run an outside program on a citizen's file
    ):
        try:
            _Walk(data).run()
        except ActiveContent:
            return "active_content"
        except Exception:  # pypdf's errors are many (PdfReadError, ValueError, Recursion...)
            return "active_content" if _names_active_content(data) else "malformed"
    return None


def _names_active_content(data: bytes) -> bool:
    """The raw bytes' names, `#xx` escapes read: the last word on a file pypdf cannot read."""
    for match in _RAW_NAME.finditer(data):
        name = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0))
        if name.decode("latin-1").lower() in ACTIVE_NAMES:
            return True
    return False


class _Walk:
    """One pass over everything a reader could take as an object, in every revision."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.decoded = 0
        self.seen_offsets: set[int] = set()

    def run(self) -> None:
        final = self._reader(self.data)
        len(final.pages)  # the page tree must read, as a reader needs it to show anything
        readers = [final]
        ends = [m.end() for m in _REVISION_END.finditer(self.data)]
        if len(ends) > MAX_REVISIONS:
            raise Unreadable("too many revisions")
        for end in reversed(ends[:-1]):  # earlier revisions: the file as it was then
            readers.append(self._reader(self.data[:end]))
        for reader in readers:
            self._check(reader.trailer, reader)
            # Streams the cross-reference says hold objects, whatever their /Type claims.
            object_streams = {int(number) for number, _ in reader.xref_objStm.values()}
            for offset, reference in _listed_objects(reader):
                if offset in self.seen_offsets:
                    continue  # the same bytes, already read through a later revision
                self.seen_offsets.add(offset)
                obj = reference.get_object()
                if obj is not None:
                    self._check(obj, reader, object_stream=reference.idnum in object_streams)
        self._check_unlisted(final)

    def _reader(self, data: bytes) -> PdfReader:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise Unreadable("locked with a password")
        return reader

    def _check_unlisted(self, reader: PdfReader) -> None:
        """Object bodies in the file that no revision lists: a reader repairing a damaged
        cross-reference would find them, so they must be as clean as the rest."""
        source = io.BytesIO(self.data)
        unlisted = 0
        for match in _OBJECT_HEADER.finditer(self.data):
            if match.start() in self.seen_offsets:
                continue
            unlisted += 1
            if unlisted > MAX_UNLISTED:
                raise Unreadable("too many unlisted objects")
            source.seek(match.start())
            try:
                reader.read_object_header(source)
                obj = read_object(source, reader)
            except Exception:  # noqa: S112 - bytes that only look like a header (image data)
                continue
            self._check(obj, reader)

    def _check(self, root: PdfObject, reader: PdfReader, *, object_stream: bool = False) -> None:
        """Every name in `root`'s direct structure; indirect references are objects of their
        own, checked when the walk reaches them."""
        pending: list[PdfObject] = [root]
        while pending:
            item = pending.pop()
            if isinstance(item, NameObject):
                if item.lower() in ACTIVE_NAMES:
                    raise ActiveContent(str(item))
            elif isinstance(item, DictionaryObject):
                for key, value in item.items():
                    if key.lower() in ACTIVE_NAMES:
                        raise ActiveContent(key)
                    if key == "/OpenAction":
                        _check_open_action(value)
                    if key == "/URI" and _is_script_link(value):
                        raise ActiveContent("javascript: link")
                    pending.append(value)
                if isinstance(item, StreamObject) and (
                    object_stream or item.get("/Type") == "/ObjStm"
                ):
                    pending.extend(self._objects_in(item, reader))
            elif isinstance(item, ArrayObject):
                pending.extend(item)

    def _objects_in(self, stream: StreamObject, reader: PdfReader) -> Iterator[PdfObject]:
        """The objects an object stream holds, parsed from its decoded data, within the
        file's decoding budget."""
        data = stream.get_data()
        self.decoded += len(data)
        if self.decoded > MAX_DECODED:
            raise Unreadable("object streams decode to too much")
        first, count = _integer(stream.get("/First")), _integer(stream.get("/N"))
        header = data[:first].split()
        if first > len(data) or count < 0 or len(header) < 2 * count:
            raise Unreadable("object stream header")
        source = io.BytesIO(data)
        for index in range(count):
            source.seek(first + int(header[2 * index + 1]))
            yield read_object(source, reader)


def _listed_objects(reader: PdfReader) -> Iterator[tuple[int, IndirectObject]]:
    """Every object the revision's cross-reference lists in the file body, by offset.
    Objects inside object streams are reached through their stream."""
    for generation, table in reader.xref.items():
        for number, offset in table.items():
            yield offset, IndirectObject(number, generation, reader)


def _integer(value: object) -> int:
    found = value.get_object() if isinstance(value, IndirectObject) else value
    if not isinstance(found, NumberObject):
        raise Unreadable("not a number")
    return int(found)


def _check_open_action(value: PdfObject) -> None:
    """A destination (array, name or string) only picks the first view; an action runs."""
    action = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(action, DictionaryObject):
        kind = action.get("/S")
        if not isinstance(kind, NameObject) or kind.lower() not in HARMLESS_OPEN_ACTIONS:
            raise ActiveContent("/OpenAction")


def _is_script_link(value: PdfObject) -> bool:
    target = value.get_object() if isinstance(value, IndirectObject) else value
    if isinstance(target, TextStringObject | ByteStringObject):
        text = bytes(target) if isinstance(target, ByteStringObject) else target.encode()
        return text.strip().lower().startswith(b"javascript:")
    return False
