"""The receipt PDF on its own: one A4 page, Vietnamese intact, the lookup QR readable."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import msgspec

from backend.features.receipts.render import ReceiptData, ReceivedDocument, render_receipt
from tests.support.pdf import pages, qr_codes, text_of

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
LOOKUP = "https://motcua.example.vn/lookup/Qx7bN0c2Vd9eLr4tYu1iOp3aSd5fGh7jKl9zXc2vBn4"
RECEIPT = ReceiptData(
    agency_name="Trung tâm Phục vụ hành chính công tỉnh",
    code="000.00.01.H19-260112-0007",
    received_at=dt.datetime(2026, 1, 12, 9, 5, tzinfo=VIETNAM),
    due_at=dt.datetime(2026, 1, 26, 16, 30, tzinfo=VIETNAM),
    applicant_name="Nguyễn Thị Hạnh Đức",
    applicant_phone="0912345678",
    procedure_name="Đăng ký biến động quyền sử dụng đất trong trường hợp chuyển nhượng",
    documents=(
        ReceivedDocument(name="Đơn đăng ký biến động đất đai (Mẫu số 11/ĐK)"),
        ReceivedDocument(name="Hợp đồng chuyển nhượng đã được công chứng", files=3),
    ),
    return_method="post",
    lookup_url=LOOKUP,
    processing_time="8 ngày làm việc",
    received_by="Trần Văn Bình",
)


def test_the_receipt_is_one_page_in_the_official_order_with_vietnamese_intact() -> None:
    pdf = render_receipt(RECEIPT)
    assert pdf.startswith(b"%PDF-")
    assert pages(pdf) == 1
    text = text_of(pdf)
    expected = [
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        "Mã hồ sơ: 000.00.01.H19-260112-0007",
        "Ông/Bà: Nguyễn Thị Hạnh Đức",
        "Số điện thoại: 0912345678",
        "Đăng ký biến động quyền sử dụng đất",
        "1) Đơn đăng ký biến động đất đai (Mẫu số 11/ĐK)",
        "2) Hợp đồng chuyển nhượng đã được công chứng (3 tệp)",
        "Thời gian nhận hồ sơ: 09 giờ 05 phút, ngày 12 tháng 01 năm 2026",
        "Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 30 phút, ngày 26 tháng 01 năm 2026",
        "Qua dịch vụ bưu chính công ích",
        "Quét mã để tra cứu tình trạng hồ sơ",
        "NGƯỜI TIẾP NHẬN HỒ SƠ",
        "Trần Văn Bình",
    ]
    positions = [text.find(part) for part in expected]
    assert -1 not in positions, [p for p, at in zip(expected, positions, strict=True) if at < 0]
    assert positions == sorted(positions)


def test_the_qr_opens_the_lookup() -> None:
    assert qr_codes(render_receipt(RECEIPT)) == [LOOKUP]


def test_the_same_receipt_gives_the_same_bytes() -> None:
    assert render_receipt(RECEIPT) == render_receipt(RECEIPT)


def test_a_long_list_of_documents_still_fits_one_page() -> None:
    documents = tuple(
        ReceivedDocument(name=f"Giấy tờ số {i}: bản sao có chứng thực, kèm bản chính để đối chiếu")
        for i in range(1, 61)
    )
    pdf = render_receipt(msgspec.structs.replace(RECEIPT, documents=documents))
    assert pages(pdf) == 1
    text = text_of(pdf)
    assert "1) Giấy tờ số 1:" in text
    assert "thành phần khác" in text  # the rest is counted, not dropped silently
    assert "Quét mã để tra cứu tình trạng hồ sơ" in text
    assert qr_codes(pdf) == [LOOKUP]
