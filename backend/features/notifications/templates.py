"""Notification templates, versioned, in Vietnamese (authoritative) and English.

A template never changes in place: new wording is a new version, so a notification can always
say which text it was made from. Parameters are filled with `str.format`; every template
declares the parameters it needs, and a test renders each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Wording:
    title: str
    body: str


@dataclass(frozen=True)
class Template:
    key: str
    version: int
    params: frozenset[str]
    vi: Wording
    en: Wording


def _template(key: str, version: int, params: str, vi: Wording, en: Wording) -> Template:
    return Template(key, version, frozenset(params.split()), vi, en)


TEMPLATES: Final[dict[str, Template]] = {
    t.key: t
    for t in (
        _template(
            "account.created_at_counter",
            1,
            "agency agency_en",
            Wording(
                "Tài khoản của bạn được mở tại quầy",
                "Cán bộ một cửa của {agency} đã mở tài khoản này cho bạn khi bạn nộp hồ sơ tại "
                "quầy. Hồ sơ của bạn hiện trong ứng dụng. Nếu bạn không nộp hồ sơ nào tại quầy, "
                "hãy báo ngay cho bộ phận một cửa.",
            ),
            Wording(
                "Your account was opened at the counter",
                "A one-stop desk officer of {agency_en} opened this account for you when you "
                "applied at the counter. Your application is in the app. If you applied for "
                "nothing at a counter, tell the one-stop desk at once.",
            ),
        ),
        _template(
            "dossier.submitted",
            1,
            "reference procedure procedure_en time",
            Wording(
                "Đã gửi hồ sơ {reference}",
                "Hồ sơ “{procedure}” của bạn đã đến cơ quan giải quyết lúc {time}. Mã tạm của "
                "hồ sơ là {reference}. Bạn sẽ được báo khi bộ phận một cửa tiếp nhận hồ sơ.",
            ),
            Wording(
                "Application {reference} sent",
                "Your application “{procedure_en}” reached the agency at {time}. Its temporary "
                "reference is {reference}. You will be told when the one-stop desk receives it.",
            ),
        ),
        _template(
            "dossier.withdrawn",
            1,
            "reference procedure procedure_en time",
            Wording(
                "Đã rút hồ sơ {reference}",
                "Hồ sơ “{procedure}” ({reference}) đã được rút theo yêu cầu của bạn lúc {time}.",
            ),
            Wording(
                "Application {reference} withdrawn",
                "Your application “{procedure_en}” ({reference}) was withdrawn at your request "
                "at {time}.",
            ),
        ),
        _template(
            "dossier.received",
            1,
            "reference procedure procedure_en due",
            Wording(
                "Hồ sơ {reference} đã được tiếp nhận",
                "Hồ sơ “{procedure}” đã được tiếp nhận với mã {reference}. Ngày hẹn trả kết "
                "quả: {due}. Bạn có thể xem giấy tiếp nhận và mã QR tra cứu trong ứng dụng.",
            ),
            Wording(
                "Application {reference} received",
                "Your application “{procedure_en}” was received with code {reference}. The "
                "result is due {due}. The receipt and its lookup QR are in the app.",
            ),
        ),
        _template(
            "dossier.refused",
            1,
            "reference procedure procedure_en",
            Wording(
                "Hồ sơ {reference} không được tiếp nhận",
                "Hồ sơ “{procedure}” không được tiếp nhận. Lý do có trong tiến trình hồ sơ.",
            ),
            Wording(
                "Application {reference} not accepted",
                "Your application “{procedure_en}” was not accepted. The reasons are in its "
                "timeline.",
            ),
        ),
        _template(
            "dossier.processing",
            1,
            "reference procedure procedure_en",
            Wording(
                "Hồ sơ {reference} đang được giải quyết",
                "Hồ sơ “{procedure}” đã được chuyển đến bước giải quyết tiếp theo.",
            ),
            Wording(
                "Application {reference} in progress",
                "Your application “{procedure_en}” has moved on to the next step.",
            ),
        ),
        _template(
            "dossier.awaiting_payment",
            1,
            "reference procedure procedure_en",
            Wording(
                "Hồ sơ {reference} chờ nộp thuế, phí",
                "Hồ sơ “{procedure}” cần bạn nộp thuế, phí để được giải quyết tiếp. Bạn có "
                "thể nộp tại bộ phận một cửa.",
            ),
            Wording(
                "Application {reference} awaits payment",
                "Your application “{procedure_en}” needs the taxes and fees paid to continue. "
                "You can pay at the one-stop desk.",
            ),
        ),
        _template(
            "dossier.result_ready",
            1,
            "reference procedure procedure_en",
            Wording(
                "Hồ sơ {reference} đã có kết quả",
                "Kết quả hồ sơ “{procedure}” đã sẵn sàng. Mời bạn nhận kết quả theo hình "
                "thức đã chọn.",
            ),
            Wording(
                "Result of application {reference} is ready",
                "The result of your application “{procedure_en}” is ready to be collected "
                "the way you chose.",
            ),
        ),
        _template(
            "dossier.stopped",
            1,
            "reference procedure procedure_en",
            Wording(
                "Hồ sơ {reference} dừng giải quyết",
                "Hồ sơ “{procedure}” đã dừng giải quyết. Lý do có trong tiến trình hồ sơ.",
            ),
            Wording(
                "Application {reference} stopped",
                "Processing of your application “{procedure_en}” was stopped. The reasons are "
                "in its timeline.",
            ),
        ),
        _template(
            "dossier.supplement_requested",
            1,
            "reference procedure procedure_en items deadline",
            Wording(
                "Hồ sơ {reference} cần bổ sung",
                "Hồ sơ “{procedure}” cần bổ sung: {items}. Hạn bổ sung: {deadline}. Bạn có "
                "thể chụp và gửi giấy tờ ngay trong ứng dụng; thời hạn giải quyết tạm dừng "
                "cho đến khi bạn bổ sung.",
            ),
            Wording(
                "Application {reference} needs more documents",
                "Your application “{procedure_en}” needs: {items}. Please send them by "
                "{deadline}; you can photograph and send them in the app. The processing "
                "time is paused until then.",
            ),
        ),
        _template(
            "dossier.supplemented",
            1,
            "reference procedure procedure_en due",
            Wording(
                "Đã nhận hồ sơ bổ sung {reference}",
                "Hồ sơ “{procedure}” đã được bổ sung và tiếp tục được giải quyết. Hẹn trả kết "
                "quả: {due}.",
            ),
            Wording(
                "Supplement to application {reference} received",
                "Your application “{procedure_en}” has what it needed and is being processed "
                "again. The result is due {due}.",
            ),
        ),
        _template(
            "dossier.apology",
            1,
            "reference procedure procedure_en due",
            Wording(
                "Xin lỗi về việc trễ hẹn hồ sơ {reference}",
                "Cơ quan giải quyết xin lỗi vì hồ sơ “{procedure}” chưa có kết quả đúng hẹn. "
                "Ngày hẹn trả kết quả mới: {due}.",
            ),
            Wording(
                "Apology: application {reference} is late",
                "The agency apologises that your application “{procedure_en}” was not "
                "finished on time. The new date for the result is {due}.",
            ),
        ),
        _template(
            "dossier.returned",
            1,
            "reference procedure procedure_en time",
            Wording(
                "Đã trả kết quả hồ sơ {reference}",
                "Kết quả hồ sơ “{procedure}” đã được trả lúc {time}. Mời bạn đánh giá sự phục vụ.",
            ),
            Wording(
                "Result of application {reference} handed over",
                "The result of your application “{procedure_en}” was handed over at {time}. "
                "Please rate the service.",
            ),
        ),
        # The account's own security: each sensitive change is told to its owner at once, so
        # that a change they did not make can be undone (DESIGN.md §5). The inbox is the
        # only channel yet; Web Push and SMS will send these same rows (see notify).
        _template(
            "account.desk_recovery_issued",
            1,
            "agency agency_en time",
            Wording(
                "Bộ phận một cửa đã cấp mã khôi phục tài khoản",
                "Lúc {time}, {agency} đã cấp mã QR để tạo passkey mới cho tài khoản của bạn, "
                "sau khi đối chiếu CCCD. Nếu không phải bạn yêu cầu, hãy đăng nhập bằng passkey "
                "đang dùng và xóa passkey mới trong mục Tài khoản, rồi báo cho cơ quan.",
            ),
            Wording(
                "The one-stop desk issued an account recovery code",
                "At {time}, {agency_en} issued a QR code to create a new passkey for your "
                "account, after checking the CCCD. If you did not ask for it, sign in with "
                "your passkey, remove the new one under Account, and tell the agency.",
            ),
        ),
        _template(
            "account.passkey_added_at_desk",
            1,
            "name time until agency agency_en",
            Wording(
                "Đã thêm passkey mới qua khôi phục tại quầy",
                "Lúc {time}, passkey “{name}” đã được thêm vào tài khoản của bạn bằng mã khôi "
                "phục do {agency} cấp. Đến {until}, passkey này chưa thể xóa passkey cũ hay "
                "thay mã khôi phục. Nếu không phải bạn, hãy đăng nhập bằng passkey cũ và xóa nó.",
            ),
            Wording(
                "New passkey added by a desk recovery",
                "At {time}, the passkey “{name}” was added to your account with a recovery "
                "code issued by {agency_en}. Until {until} it cannot remove older passkeys or "
                "replace the recovery codes. If it was not you, sign in with an older passkey "
                "and remove it.",
            ),
        ),
        _template(
            "account.passkey_added_by_link",
            1,
            "name time until",
            Wording(
                "Đã thêm passkey mới từ liên kết",
                "Lúc {time}, passkey “{name}” đã được thêm vào tài khoản của bạn từ liên kết "
                "thêm điện thoại. Đến {until}, passkey này chưa thể xóa passkey cũ hay thay mã "
                "khôi phục. Nếu không phải bạn, hãy đăng nhập bằng passkey cũ và xóa nó.",
            ),
            Wording(
                "New passkey added from a link",
                "At {time}, the passkey “{name}” was added to your account from an add-a-phone "
                "link. Until {until} it cannot remove older passkeys or replace the recovery "
                "codes. If it was not you, sign in with an older passkey and remove it.",
            ),
        ),
        _template(
            "account.passkey_added_by_recovery_code",
            1,
            "name time until",
            Wording(
                "Đã thêm passkey mới bằng mã khôi phục",
                "Lúc {time}, một mã khôi phục đã được dùng để thêm passkey “{name}” vào tài "
                "khoản của bạn. Đến {until}, passkey này chưa thể xóa passkey cũ hay thay mã "
                "khôi phục. Nếu không phải bạn, hãy đăng nhập bằng passkey cũ và xóa nó.",
            ),
            Wording(
                "New passkey added with a recovery code",
                "At {time}, a recovery code was used to add the passkey “{name}” to your "
                "account. Until {until} it cannot remove older passkeys or replace the "
                "recovery codes. If it was not you, sign in with an older passkey and remove it.",
            ),
        ),
        _template(
            "account.passkey_removed",
            1,
            "name time",
            Wording(
                "Đã xóa một passkey",
                "Lúc {time}, passkey “{name}” đã bị xóa khỏi tài khoản của bạn; thiết bị giữ "
                "passkey đó đã bị đăng xuất.",
            ),
            Wording(
                "A passkey was removed",
                "At {time}, the passkey “{name}” was removed from your account; the devices "
                "it signed in were signed out.",
            ),
        ),
        _template(
            "account.recovery_codes_replaced",
            1,
            "time",
            Wording(
                "Đã tạo mã khôi phục mới",
                "Lúc {time}, các mã khôi phục mới đã được tạo cho tài khoản của bạn; các mã "
                "cũ không còn dùng được.",
            ),
            Wording(
                "New recovery codes created",
                "At {time}, new recovery codes were created for your account; the old ones no "
                "longer work.",
            ),
        ),
        _template(
            "account.cccd_recorded",
            1,
            "agency agency_en time cccd",
            Wording(
                "Bộ phận một cửa đã ghi số CCCD vào tài khoản",
                "Lúc {time}, {agency} đã ghi số CCCD {cccd} vào tài khoản của bạn sau khi "
                "đối chiếu thẻ. Nếu không phải bạn, hãy báo cho cơ quan.",
            ),
            Wording(
                "The one-stop desk recorded your CCCD",
                "At {time}, {agency_en} recorded the CCCD number {cccd} on your account after "
                "checking the card. If it was not you, tell the agency.",
            ),
        ),
    )
}


class MissingParameter(KeyError):
    pass


def render(key: str, params: dict[str, str]) -> dict[str, dict[str, str]]:
    """The notification's text in both languages: {"vi": {"title", "body"}, "en": {...}}."""
    template = TEMPLATES[key]
    missing = template.params - params.keys()
    if missing:
        raise MissingParameter(f"{key} needs {sorted(missing)}")
    return {
        language: {"title": wording.title.format(**params), "body": wording.body.format(**params)}
        for language, wording in (("vi", template.vi), ("en", template.en))
    }
