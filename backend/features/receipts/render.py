"""The receipt (giấy tiếp nhận hồ sơ và hẹn trả kết quả) as a one-page A4 PDF: pure, no I/O
beyond reading the vendored font.

The layout follows the official form (Mẫu số 01, Thông tư 01/2018/TT-VPCP): the agency and
the national heading side by side, the title, the dossier code, who handed in what and for
which procedure, when it was received and when the result is due, how it is returned, and
the signature lines; with a QR of the public lookup URL.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import msgspec
import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from backend.core.dates import spoken_date, spoken_date_time
from backend.models.dossiers import ReturnMethod

# Noto Sans (SIL OFL 1.1, no reserved font name), subset to Latin and Vietnamese: see
# fonts/README.md. fpdf2 embeds only the glyphs a receipt uses.
FONTS = Path(__file__).parent / "fonts"
FAMILY = "NotoSans"

RETURN_METHODS: dict[ReturnMethod, str] = {
    "counter": "Tại Bộ phận Một cửa nơi nộp hồ sơ",
    "post": "Qua dịch vụ bưu chính công ích",
    "online": "Trực tuyến, trên ứng dụng",
}
# Body sizes tried in turn until the receipt fits one page (long lists of documents).
BODY_SIZES = (11.0, 10.0, 9.0, 8.0, 7.0)
QR_SIZE = 32.0  # mm


class ReceivedDocument(msgspec.Struct, frozen=True, kw_only=True):
    """One document slot of the variant and how many files were handed in for it."""

    name: str
    files: int = 1


class ReceiptData(msgspec.Struct, frozen=True, kw_only=True):
    """What the receipt says, already resolved to text and local (Vietnam) times."""

    agency_name: str
    code: str
    received_at: dt.datetime
    due_at: dt.datetime | None
    applicant_name: str
    applicant_phone: str
    procedure_name: str
    documents: tuple[ReceivedDocument, ...]
    return_method: ReturnMethod
    lookup_url: str
    processing_time: str | None = None
    received_by: str | None = None


def spoken_time(at: dt.datetime) -> str:
    """`09 giờ 05 phút, ngày 12 tháng 01 năm 2026`, as the form writes times (at is local)."""
    return spoken_date_time(at, timezone=None)


def render_receipt(data: ReceiptData) -> bytes:
    """The receipt's PDF bytes: one A4 page, whatever the number of documents."""
    for size in BODY_SIZES:
        pdf = _draw(data, size, len(data.documents))
        if pdf.pages_count == 1:
            return bytes(pdf.output())
    # Still too long at the smallest size: list as many documents as fit (binary search on
    # how many), and say how many more there are.
    fits, too_many = 0, len(data.documents)
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if _draw(data, BODY_SIZES[-1], middle).pages_count == 1:
            fits = middle
        else:
            too_many = middle
    return bytes(_draw(data, BODY_SIZES[-1], fits).output())


def _new_pdf(data: ReceiptData) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(left=20, top=15, right=15)
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font(FAMILY, "", FONTS / "NotoSans-Regular.ttf")
    pdf.add_font(FAMILY, "B", FONTS / "NotoSans-Bold.ttf")
    pdf.set_title(f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả {data.code}")
    pdf.set_author(data.agency_name)
    pdf.set_lang("vi")
    # The same receipt gives the same bytes.
    pdf.set_creation_date(data.received_at)
    pdf.add_page()
    return pdf


def _draw(data: ReceiptData, size: float, listed: int) -> FPDF:
    pdf = _new_pdf(data)
    line = size * 0.55
    width = pdf.epw
    top = pdf.get_y()

    # The agency on the left, the national heading on the right, each underlined by a short rule.
    left_w, right_w = 72.0, width - 72.0
    pdf.set_font(FAMILY, "B", size - 1)
    pdf.multi_cell(left_w, line, data.agency_name.upper(), align=Align.C)
    _rule(pdf, pdf.l_margin + left_w / 2, pdf.get_y() + 1, 20)
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + left_w, top)
    pdf.multi_cell(right_w, line, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align=Align.C)
    pdf.set_x(pdf.l_margin + left_w)
    pdf.multi_cell(right_w, line, "Độc lập - Tự do - Hạnh phúc", align=Align.C)
    _rule(pdf, pdf.l_margin + left_w + right_w / 2, pdf.get_y() + 1, 50)
    pdf.set_font(FAMILY, "", size - 1)
    pdf.set_xy(pdf.l_margin + left_w, pdf.get_y() + 3)
    at = data.received_at
    pdf.multi_cell(
        right_w, line, spoken_date(at.date()).capitalize(), align=Align.C, new_x=XPos.LMARGIN
    )
    pdf.set_y(max(left_bottom, pdf.get_y()) + line * 1.5)

    pdf.set_font(FAMILY, "B", size + 3)
    pdf.multi_cell(
        width,
        line * 1.3,
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        align=Align.C,
        new_x=XPos.LMARGIN,
    )
    pdf.set_font(FAMILY, "B", size + 1)
    pdf.multi_cell(width, line * 1.3, f"Mã hồ sơ: {data.code}", align=Align.C, new_x=XPos.LMARGIN)
    pdf.ln(line)

    def paragraph(text: str, *, bold: bool = False, indent: float = 0) -> None:
        pdf.set_font(FAMILY, "B" if bold else "", size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(width - indent, line, text, align=Align.L, new_x=XPos.LMARGIN)
        pdf.ln(line * 0.25)

    paragraph(f"{data.agency_name} tiếp nhận hồ sơ của:")
    paragraph(f"Ông/Bà: {data.applicant_name}", indent=5)
    paragraph(f"Số điện thoại: {data.applicant_phone}", indent=5)
    paragraph(f"Nội dung yêu cầu giải quyết: {data.procedure_name}")
    paragraph("1. Thành phần hồ sơ nộp gồm:")
    for number, document in enumerate(data.documents[:listed], 1):
        files = f" ({document.files} tệp)" if document.files > 1 else ""
        paragraph(f"{number}) {document.name}{files}", indent=5)
    if listed < len(data.documents):
        paragraph(f"… và {len(data.documents) - listed} thành phần khác", indent=5)
    if not data.documents:
        paragraph("(không có)", indent=5)
    paragraph(f"2. Số lượng hồ sơ: 01 bộ, {sum(d.files for d in data.documents)} tệp")
    paragraph(f"3. Thời gian giải quyết hồ sơ theo quy định: {data.processing_time or '—'}")
    paragraph(f"4. Thời gian nhận hồ sơ: {spoken_time(data.received_at)}")
    due = spoken_time(data.due_at) if data.due_at else "theo thông báo của cơ quan giải quyết"
    paragraph(f"5. Thời gian trả kết quả giải quyết hồ sơ: {due}", bold=True)
    paragraph(f"6. Đăng ký nhận kết quả: {RETURN_METHODS[data.return_method]}")
    pdf.ln(line * 0.5)

    # The QR of the public lookup, with what it is for beside it.
    qr_top = pdf.get_y()
    _qr(pdf, data.lookup_url, pdf.l_margin, qr_top, QR_SIZE)
    text_x = pdf.l_margin + QR_SIZE + 5
    pdf.set_xy(text_x, qr_top + QR_SIZE / 2 - line * 1.5)
    pdf.set_font(FAMILY, "B", size)
    pdf.multi_cell(width - QR_SIZE - 5, line, "Quét mã để tra cứu tình trạng hồ sơ")
    pdf.set_x(text_x)
    pdf.set_font(FAMILY, "", size - 2)
    pdf.multi_cell(width - QR_SIZE - 5, line, data.lookup_url, new_x=XPos.LMARGIN)
    pdf.set_y(qr_top + QR_SIZE + line)

    # Signature lines: the applicant and the receiving officer.
    half = width / 2
    sign_top = pdf.get_y()
    for column, (role, name) in enumerate(
        (("NGƯỜI NỘP HỒ SƠ", data.applicant_name), ("NGƯỜI TIẾP NHẬN HỒ SƠ", data.received_by))
    ):
        x = pdf.l_margin + column * half
        pdf.set_xy(x, sign_top)
        pdf.set_font(FAMILY, "B", size)
        pdf.multi_cell(half, line, role, align=Align.C)
        pdf.set_x(x)
        pdf.set_font(FAMILY, "", size - 2)
        pdf.multi_cell(half, line, "(Ký và ghi rõ họ tên)", align=Align.C)
        if name:
            pdf.set_xy(x, pdf.get_y() + line * 3)
            pdf.set_font(FAMILY, "B", size)
            pdf.multi_cell(half, line, name, align=Align.C, new_y=YPos.NEXT)
    return pdf


def _rule(pdf: FPDF, centre_x: float, y: float, length: float) -> None:
    pdf.set_line_width(0.3)
    pdf.line(centre_x - length / 2, y, centre_x + length / 2, y)


def _qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """The QR drawn as vector squares (crisp at any print resolution), quiet zone included."""
    qr = segno.make(text, error="m", micro=False)
    rows = [list(row) for row in qr.matrix_iter(scale=1, border=4)]
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # Runs of dark modules as one rectangle, slightly overlapping so no hairline shows.
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module * 1.02, "F")
