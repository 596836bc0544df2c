"""User-facing messages in Vietnamese (default) and English, keyed by stable codes.

Problem titles are keyed by problem type; field messages by the rule codes that form
validation (`features/catalogue/forms.py`) and query validation share. The PWA keeps the same
codes, so an error reads the same whether the phone or the server found it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

Language = Literal["vi", "en"]
LANGUAGES: tuple[Language, ...] = ("vi", "en")

PROBLEM_TITLES: Mapping[str, Mapping[Language, str]] = {
    "not-found": {"vi": "Không tìm thấy", "en": "Not found"},
    "procedure-not-found": {
        "vi": "Không tìm thấy thủ tục hành chính",
        "en": "Administrative procedure not found",
    },
    "validation": {"vi": "Dữ liệu không hợp lệ", "en": "Invalid data"},
    "invalid-request": {"vi": "Yêu cầu không hợp lệ", "en": "Invalid request"},
    "malformed-request": {"vi": "Không đọc được yêu cầu", "en": "Unreadable request"},
    "request-timeout": {"vi": "Hết thời gian gửi yêu cầu", "en": "Request timed out"},
    "forbidden": {"vi": "Không có quyền", "en": "Forbidden"},
    "unauthorized": {"vi": "Cần đăng nhập", "en": "Sign-in required"},
    "conflict": {"vi": "Xung đột dữ liệu", "en": "Conflict"},
    "invalid-transition": {
        "vi": "Thao tác không hợp lệ ở trạng thái hiện tại",
        "en": "Action not allowed in the current status",
    },
    "dossier-step-action": {
        "vi": "Thao tác này không thuộc bước hiện tại của hồ sơ",
        "en": "This action does not belong to the dossier's current step",
    },
    "dossier-apology-refused": {
        "vi": "Không thể phát hành văn bản xin lỗi (chỉ một lần, khi hồ sơ trễ hạn)",
        "en": "No apology letter can be issued (once only, for a late dossier)",
    },
    "dossier-not-received": {
        "vi": "Hồ sơ chưa được tiếp nhận",
        "en": "The dossier has not been received yet",
    },
    "dossier-lookup-not-found": {"vi": "Không tìm thấy hồ sơ", "en": "Dossier not found"},
    "dossier-result-missing": {
        "vi": "Chưa đính kèm văn bản kết quả",
        "en": "The result document is missing",
    },
    "dossier-result-issued": {
        "vi": "Văn bản kết quả đã được ban hành",
        "en": "The result document has been issued",
    },
    "method-not-allowed": {"vi": "Phương thức không được hỗ trợ", "en": "Method not allowed"},
    "rate-limited": {"vi": "Quá nhiều yêu cầu", "en": "Too many requests"},
    "lookup-slowed": {
        "vi": "Vui lòng chờ rồi tra cứu lại",
        "en": "Please wait, then look up again",
    },
    "service-unavailable": {"vi": "Dịch vụ tạm thời gián đoạn", "en": "Service unavailable"},
    "internal": {"vi": "Lỗi hệ thống", "en": "Internal error"},
    "passkey-refused": {"vi": "Passkey không được chấp nhận", "en": "Passkey refused"},
    "account-exists": {"vi": "Tài khoản đã tồn tại", "en": "Account already exists"},
    "applicant-mismatch": {
        "vi": "Người nộp không khớp với tài khoản",
        "en": "The applicant does not match the account",
    },
    "link-invalid": {
        "vi": "Liên kết hoặc mã không còn hiệu lực",
        "en": "Link or code no longer valid",
    },
    "last-passkey": {"vi": "Không thể xóa passkey cuối cùng", "en": "Cannot remove last passkey"},
    "cross-site-request": {"vi": "Yêu cầu bị chặn", "en": "Request blocked"},
    "protocol-upgrade-required": {"vi": "Cần cập nhật ứng dụng", "en": "App update required"},
    "sync-client-of-another-account": {
        "vi": "Thiết bị này thuộc tài khoản khác",
        "en": "This installation belongs to another account",
    },
    "mutation-rejected": {"vi": "Thao tác bị từ chối", "en": "Change refused"},
    "upload-not-found": {"vi": "Không tìm thấy lượt tải lên", "en": "Upload not found"},
    "upload-expired": {"vi": "Lượt tải lên đã hết hạn", "en": "Upload expired"},
    "upload-invalid": {"vi": "Yêu cầu tải lên không hợp lệ", "en": "Invalid upload request"},
    "upload-protocol-version": {
        "vi": "Phiên bản giao thức tải lên không được hỗ trợ",
        "en": "Upload protocol version not supported",
    },
    "upload-too-large": {"vi": "Tệp quá lớn", "en": "File too large"},
    "upload-content-type": {"vi": "Sai kiểu nội dung", "en": "Wrong content type"},
    "upload-offset-mismatch": {
        "vi": "Vị trí tải lên không khớp",
        "en": "Upload offset does not match",
    },
    "upload-checksum-mismatch": {
        "vi": "Phần tệp bị lỗi khi truyền",
        "en": "Checksum mismatch",
    },
    "upload-refused": {"vi": "Tệp không được chấp nhận", "en": "File refused"},
    "attachment-not-pending": {
        "vi": "Tệp đính kèm này không còn chờ tải lên",
        "en": "This attachment is no longer waiting for its upload",
    },
    "fresh-passkey-required": {
        "vi": "Cần xác nhận lại bằng passkey",
        "en": "Confirm with your passkey again",
    },
    "passkey-restricted": {
        "vi": "Passkey mới chưa được làm việc này",
        "en": "A new passkey may not do this yet",
    },
    "desk-recovery-second-officer": {
        "vi": "Cần một cán bộ khác cấp mã khôi phục",
        "en": "Another officer must issue the recovery",
    },
    "cccd-already-recorded": {
        "vi": "Tài khoản đã có số CCCD",
        "en": "The account already has a CCCD",
    },
}

PROBLEM_DETAILS: Mapping[str, Mapping[Language, str]] = {
    "procedure-not-found": {
        "vi": "Không có thủ tục mã {code} trong danh mục của tỉnh.",
        "en": "There is no procedure with code {code} in the province's catalogue.",
    },
    "not-found": {
        "vi": "Địa chỉ {path} không tồn tại.",
        "en": "Nothing exists at {path}.",
    },
    "validation": {
        "vi": "Vui lòng sửa các mục được đánh dấu.",
        "en": "Please correct the marked fields.",
    },
    "invalid-request": {
        "vi": "Yêu cầu không đúng định dạng.",
        "en": "The request is not in the expected form.",
    },
    "malformed-request": {
        "vi": "Máy chủ không đọc được nội dung yêu cầu.",
        "en": "The server could not read the request.",
    },
    "malformed-request.json": {
        "vi": "Nội dung yêu cầu không phải JSON hợp lệ.",
        "en": "The request body is not valid JSON.",
    },
    "malformed-request.encoding": {
        "vi": "Nội dung yêu cầu không được mã hóa UTF-8 hợp lệ.",
        "en": "The request body is not valid UTF-8.",
    },
    "malformed-request.too_deep": {
        "vi": "Nội dung yêu cầu lồng nhau quá {max} cấp.",
        "en": "The request body is nested more than {max} levels deep.",
    },
    "malformed-request.content_length": {
        "vi": "Tiêu đề Content-Length không phải một số nguyên không âm.",
        "en": "The Content-Length header is not a non-negative whole number.",
    },
    "request-timeout": {
        "vi": "Nội dung yêu cầu không đến kịp trong {seconds} giây. Vui lòng gửi lại.",
        "en": "The request body did not arrive within {seconds} seconds. Please send it again.",
    },
    "method-not-allowed": {
        "vi": "Địa chỉ {path} không hỗ trợ phương thức {method}.",
        "en": "{path} does not support {method}.",
    },
    "internal": {
        "vi": "Đã có lỗi xảy ra. Vui lòng thử lại sau.",
        "en": "Something went wrong. Please try again later.",
    },
    "passkey-refused.challenge_unusable": {
        "vi": "Phiên xác thực đã hết hạn hoặc đã được dùng. Vui lòng thử lại.",
        "en": "This sign-in attempt expired or was already used. Please try again.",
    },
    "passkey-refused.verification_failed": {
        "vi": "Không xác minh được passkey cho trang này. Vui lòng thử lại.",
        "en": "The passkey could not be verified for this site. Please try again.",
    },
    "passkey-refused.unknown_passkey": {
        "vi": "Passkey này chưa được đăng ký với MotCua.",
        "en": "This passkey is not registered with MotCua.",
    },
    "passkey-refused.sign_count_regression": {
        "vi": "Passkey có dấu hiệu bị sao chép và đã bị khóa. Vui lòng khôi phục tài khoản.",
        "en": "This passkey looks cloned and has been blocked. Please recover your account.",
    },
    "passkey-refused.passkey_flagged": {
        "vi": "Passkey này đã bị khóa. Vui lòng khôi phục tài khoản.",
        "en": "This passkey has been blocked. Please recover your account.",
    },
    "account-exists": {
        "vi": "Số điện thoại hoặc CCCD này đã có tài khoản. Hãy đăng nhập.",
        "en": "This phone number or CCCD already has an account. Please sign in.",
    },
    "applicant-mismatch.phone_of_another_person": {
        "vi": "Số điện thoại này đã có tài khoản mang tên người khác. Hãy tìm theo số điện "
        "thoại để chọn tài khoản đó sau khi kiểm tra giấy tờ, hoặc sửa lại số điện thoại.",
        "en": "This phone number already has an account in another person's name. Find it "
        "by phone to choose that account after checking the papers, or correct the number.",
    },
    "applicant-mismatch.cccd_of_another_account": {
        "vi": "Số CCCD này đã thuộc một tài khoản có số điện thoại khác. Hãy tìm theo số CCCD "
        "để chọn tài khoản đó sau khi kiểm tra giấy tờ, hoặc sửa lại số CCCD.",
        "en": "This CCCD number already belongs to an account with another phone number. Find "
        "it by CCCD to choose that account after checking the papers, or correct the number.",
    },
    "applicant-mismatch.phone_of_staff": {
        "vi": "Số điện thoại này là của một tài khoản cán bộ; hãy nhập số của người nộp.",
        "en": "This number belongs to a staff account; enter the applicant's own number.",
    },
    "link-invalid": {
        "vi": "Liên kết hoặc mã này không đúng, đã được dùng hoặc đã hết hạn.",
        "en": "This link or code is wrong, already used, or expired.",
    },
    "last-passkey": {
        "vi": "Hãy thêm passkey khác trước khi xóa passkey cuối cùng.",
        "en": "Add another passkey before removing the last one.",
    },
    "unauthorized": {
        "vi": "Vui lòng đăng nhập bằng passkey.",
        "en": "Please sign in with your passkey.",
    },
    "forbidden": {
        "vi": "Tài khoản của bạn không có quyền thực hiện thao tác này.",
        "en": "Your account may not do this.",
    },
    "rate-limited": {
        "vi": "Bạn thao tác quá nhanh. Vui lòng thử lại sau {retry_after} giây.",
        "en": "Too many attempts. Please try again in {retry_after} seconds.",
    },
    "lookup-slowed": {
        "vi": "Mã hồ sơ này vừa bị tra cứu sai nhiều lần. Vui lòng thử lại sau {retry_after} giây.",
        "en": "This dossier code was recently looked up with wrong digits several times. "
        "Please try again in {retry_after} seconds.",
    },
    "cross-site-request": {
        "vi": "Yêu cầu từ trang khác bị chặn để bảo vệ tài khoản của bạn.",
        "en": "A request from another site was blocked to protect your account.",
    },
    "protocol-upgrade-required": {
        "vi": "Phiên bản ứng dụng đã cũ. Vui lòng tải lại để cập nhật; dữ liệu vẫn được giữ.",
        "en": "This version of the app is too old. Reload to update; your data is kept.",
    },
    "sync-client-of-another-account": {
        "vi": "Dữ liệu ngoại tuyến trên thiết bị này thuộc tài khoản khác.",
        "en": "The offline data on this device belongs to another account.",
    },
    "service-unavailable": {
        "vi": "Vui lòng thử lại sau ít phút.",
        "en": "Please try again in a few minutes.",
    },
    "dossier-lookup-not-found": {
        "vi": "Không có hồ sơ nào khớp. Hãy kiểm tra mã hồ sơ và 4 số cuối điện thoại "
        "trên giấy tiếp nhận, hoặc quét lại mã QR.",
        "en": "No dossier matches. Check the dossier code and the last 4 phone digits on the "
        "receipt, or scan its QR code again.",
    },
    "dossier-result-missing": {
        "vi": "Hãy đính kèm văn bản kết quả (PDF, JPEG hoặc PNG) trước khi phê duyệt hồ sơ.",
        "en": "Attach the result document (PDF, JPEG or PNG) before approving the dossier.",
    },
    "dossier-result-issued": {
        "vi": "Hồ sơ đã được phê duyệt nên không thể thay văn bản kết quả.",
        "en": "The dossier is approved: its result document can no longer be replaced.",
    },
    "upload-not-found": {
        "vi": "Lượt tải lên này không tồn tại hoặc đã kết thúc; hãy bắt đầu tải lại.",
        "en": "This upload does not exist or has ended; start the upload again.",
    },
    "upload-expired": {
        "vi": "Lượt tải lên bị bỏ dở quá lâu và đã bị xóa; hãy bắt đầu tải lại.",
        "en": "This upload was left unfinished too long and was removed; start it again.",
    },
    "upload-invalid": {
        "vi": "Yêu cầu tải lên thiếu hoặc sai thông tin.",
        "en": "The upload request is missing information or has it wrong.",
    },
    "upload-invalid.length_mismatch": {
        "vi": "Kích thước tệp khác với kích thước đã đăng ký ({declared} byte).",
        "en": "The file size differs from the registered size ({declared} bytes).",
    },
    "upload-protocol-version": {
        "vi": "Máy chủ chỉ hỗ trợ tus {supported}. Vui lòng cập nhật ứng dụng.",
        "en": "The server speaks tus {supported} only. Please update the app.",
    },
    "upload-too-large": {
        "vi": "Tệp vượt quá giới hạn {limit} byte.",
        "en": "The file is larger than the {limit}-byte limit.",
    },
    "upload-content-type": {
        "vi": "Phần tệp phải được gửi với kiểu {expected}.",
        "en": "Chunks must be sent as {expected}.",
    },
    "upload-offset-mismatch": {
        "vi": "Máy chủ đã nhận {offset} byte; hãy tiếp tục từ vị trí đó.",
        "en": "The server has {offset} bytes; continue from there.",
    },
    "upload-checksum-mismatch": {
        "vi": "Phần tệp vừa gửi bị hỏng trên đường truyền và đã bị bỏ; hãy gửi lại.",
        "en": "The chunk was damaged in transit and was discarded; send it again.",
    },
    "upload-refused": {
        "vi": "Tệp không được chấp nhận.",
        "en": "The file was refused.",
    },
    "upload-refused.checksum_mismatch": {
        "vi": "Tệp nhận được khác với tệp đã đăng ký (mã SHA-256 không khớp).",
        "en": "The file received differs from the one registered (SHA-256 mismatch).",
    },
    "upload-refused.unsupported_type": {
        "vi": "Chỉ nhận ảnh JPEG, PNG, WebP hoặc tệp PDF.",
        "en": "Only JPEG, PNG or WebP images and PDF files are accepted.",
    },
    "upload-refused.type_mismatch": {
        "vi": "Nội dung tệp không đúng với loại tệp đã khai báo.",
        "en": "The file's content does not match its declared type.",
    },
    "upload-refused.polyglot": {
        "vi": "Tệp chứa thêm dữ liệu của một loại tệp khác và có thể không an toàn.",
        "en": "The file hides data of another file type and may be unsafe.",
    },
    "upload-refused.active_content": {
        "vi": "Tệp PDF chứa mã chạy tự động hoặc tệp nhúng và không được chấp nhận.",
        "en": "The PDF contains scripts, actions or embedded files and is not accepted.",
    },
    "upload-refused.result_type": {
        "vi": "Văn bản kết quả phải là tệp PDF, JPEG hoặc PNG.",
        "en": "A result document must be a PDF, JPEG or PNG file.",
    },
    "upload-refused.malformed": {
        "vi": "Tệp bị hỏng hoặc không đọc được.",
        "en": "The file is damaged or cannot be read.",
    },
    "attachment-not-pending": {
        "vi": "Tệp đính kèm này đã được xử lý ({status}).",
        "en": "This attachment has already been processed ({status}).",
    },
    "fresh-passkey-required": {
        "vi": "Thay đổi này cần bạn xác nhận lại bằng passkey (vân tay, khuôn mặt hoặc khóa "
        "màn hình) trong 5 phút vừa qua.",
        "en": "This change needs you to confirm with your passkey (fingerprint, face or screen "
        "lock) within the last 5 minutes.",
    },
    "passkey-restricted.remove_older_passkey": {
        "vi": "Passkey bạn đang dùng mới được thêm bằng liên kết hoặc khôi phục tài khoản, nên "
        "đến {until} chưa thể xóa passkey cũ hơn. Hãy đăng nhập bằng passkey cũ, hoặc đợi "
        "đến lúc đó.",
        "en": "The passkey you are using was added recently by a link or an account recovery, "
        "so until {until} it cannot remove older passkeys. Sign in with an older passkey, or "
        "wait until then.",
    },
    "passkey-restricted.replace_recovery_codes": {
        "vi": "Passkey bạn đang dùng mới được thêm bằng liên kết hoặc khôi phục tài khoản, nên "
        "đến {until} chưa thể tạo mã khôi phục mới. Hãy đăng nhập bằng passkey cũ, hoặc đợi "
        "đến lúc đó.",
        "en": "The passkey you are using was added recently by a link or an account recovery, "
        "so until {until} it cannot create new recovery codes. Sign in with an older passkey, "
        "or wait until then.",
    },
    "desk-recovery-second-officer": {
        "vi": "Bạn vừa ghi số CCCD cho tài khoản này, nên đến {until} một cán bộ khác phải "
        "đối chiếu giấy tờ và cấp mã khôi phục.",
        "en": "You recorded this account's CCCD, so until {until} another officer must check "
        "the papers and issue the recovery.",
    },
    "cccd-already-recorded": {
        "vi": "Tài khoản này đã có số CCCD; hãy đối chiếu với số đó để khôi phục.",
        "en": "This account already has a CCCD number; check the card against it to recover.",
    },
    "forbidden.not_a_one_stop_desk": {
        "vi": "Chỉ cán bộ bộ phận một cửa (Trung tâm Phục vụ hành chính công hoặc UBND xã, "
        "phường) mới đối chiếu giấy tờ và khôi phục tài khoản.",
        "en": "Only officers of a one-stop desk (the public service centre or a commune's "
        "people's committee) check papers and recover accounts.",
    },
}

FIELD_MESSAGES: Mapping[str, Mapping[Language, str]] = {
    "required": {"vi": "Vui lòng nhập mục này.", "en": "This field is required."},
    "type": {"vi": "Giá trị không đúng kiểu.", "en": "The value has the wrong type."},
    "invalid": {"vi": "Giá trị không hợp lệ.", "en": "The value is not valid."},
    "unknown_field": {
        "vi": "Mục này không có trong tờ khai.",
        "en": "This field is not part of the form.",
    },
    "too_short": {"vi": "Cần ít nhất {min} ký tự.", "en": "Use at least {min} characters."},
    "too_long": {"vi": "Tối đa {max} ký tự.", "en": "Use at most {max} characters."},
    "integer": {"vi": "Vui lòng nhập số nguyên.", "en": "Enter a whole number."},
    "too_small": {"vi": "Giá trị nhỏ nhất là {min}.", "en": "The smallest value is {min}."},
    "too_large": {"vi": "Giá trị lớn nhất là {max}.", "en": "The largest value is {max}."},
    "out_of_range": {
        "vi": "Giá trị phải từ {min} đến {max}.",
        "en": "The value must be between {min} and {max}.",
    },
    "date_format": {
        "vi": "Ngày không hợp lệ (định dạng năm-tháng-ngày).",
        "en": "Not a valid date (year-month-day).",
    },
    "date_too_early": {
        "vi": "Ngày không được trước {min}.",
        "en": "The date cannot be before {min}.",
    },
    "date_too_late": {"vi": "Ngày không được sau {max}.", "en": "The date cannot be after {max}."},
    "not_an_option": {
        "vi": "Vui lòng chọn một giá trị trong danh sách.",
        "en": "Choose one of the listed values.",
    },
    "phone": {
        "vi": "Số điện thoại di động không hợp lệ (10 chữ số, ví dụ 0912345678).",
        "en": "Not a valid Vietnamese mobile number (10 digits, e.g. 0912345678).",
    },
    "cccd_format": {
        "vi": "Số CCCD gồm đúng 12 chữ số.",
        "en": "A CCCD number has exactly 12 digits.",
    },
    "cccd_province": {
        "vi": "Ba chữ số đầu của CCCD không phải mã tỉnh hợp lệ.",
        "en": "The first three digits of the CCCD are not a valid province code.",
    },
    "cccd_century": {
        "vi": "Chữ số thế kỷ/giới tính hoặc năm sinh trong CCCD không hợp lệ.",
        "en": "The century/sex digit or birth year in the CCCD is not valid.",
    },
    "address_commune": {
        "vi": "Vui lòng chọn xã/phường.",
        "en": "Choose a commune or ward.",
    },
    "address_detail": {
        "vi": "Vui lòng nhập số nhà, đường, thôn/ấp.",
        "en": "Enter the house number, street or hamlet.",
    },
    "email": {"vi": "Địa chỉ email không hợp lệ.", "en": "Not a valid email address."},
    "last_digits": {
        "vi": "Nhập {n} chữ số cuối của số điện thoại người nộp hồ sơ.",
        "en": "Enter the last {n} digits of the applicant's phone number.",
    },
    "too_early": {
        "vi": "Thời điểm này đã qua hoặc quá sớm.",
        "en": "This time is past or too early.",
    },
    "timezone_required": {
        "vi": "Thời điểm cần kèm múi giờ.",
        "en": "The time needs a time zone.",
    },
    "unknown_slot": {
        "vi": "Thủ tục không có thành phần hồ sơ này.",
        "en": "The procedure has no such document.",
    },
    "too_many_files": {"vi": "Tối đa {max} tệp.", "en": "At most {max} files."},
    "file_repeated": {
        "vi": "Một tệp được đính kèm hai lần.",
        "en": "A file is attached twice.",
    },
    "file_not_found": {"vi": "Không tìm thấy tệp đính kèm.", "en": "Attached file not found."},
    "file_not_available": {
        "vi": "Tệp đính kèm chưa tải lên xong.",
        "en": "The attached file has not finished uploading.",
    },
    "file_in_use": {
        "vi": "Tệp này đã thuộc một hồ sơ khác.",
        "en": "This file already belongs to another dossier.",
    },
    "control_character": {
        "vi": "Có ký tự điều khiển không được phép ({character}).",
        "en": "Contains a control character that is not allowed ({character}).",
    },
    "bidi_control": {
        "vi": "Có ký tự đổi hướng chữ không được phép ({character}).",
        "en": "Contains a text-direction control that is not allowed ({character}).",
    },
    "invalid_character": {
        "vi": "Có ký tự không hợp lệ ({character}).",
        "en": "Contains an invalid character ({character}).",
    },
    "invisible_only": {
        "vi": "Chỉ gồm ký tự vô hình; vui lòng nhập nội dung nhìn thấy được.",
        "en": "Contains only invisible characters; enter something visible.",
    },
    "bad_cursor": {
        "vi": "Con trỏ phân trang không hợp lệ; hãy tải lại từ trang đầu.",
        "en": "The page cursor is not valid; start again from the first page.",
    },
    "does_not_match_account": {
        "vi": "Số giấy tờ không khớp với số CCCD của tài khoản. Không cấp mã khôi phục.",
        "en": "The document number does not match the account's CCCD. No recovery is issued.",
    },
    "account_has_no_cccd": {
        "vi": "Tài khoản chưa có số CCCD: hãy ghi số CCCD sau khi đối chiếu thẻ trước.",
        "en": "The account has no CCCD yet: record it after checking the card first.",
    },
    "outside_your_agencies": {
        "vi": "Bạn chỉ được phân quyền tại cơ quan mình quản trị và các đơn vị trực thuộc.",
        "en": "You may assign roles only at the agency you administer and those below it.",
    },
    "attestation_required": {
        "vi": "Hãy xác nhận bạn đã đối chiếu thẻ gốc với người đến quầy.",
        "en": "Confirm that you checked the original card against the person at the desk.",
    },
}


def negotiate_language(accept_language: str | None) -> Language:
    """The best of vi/en for an Accept-Language header; Vietnamese when nothing matches."""
    if not accept_language:
        return "vi"
    ranked: list[tuple[float, int, Language]] = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, primary))
    return min(ranked)[2] if ranked else "vi"


def _render(
    table: Mapping[str, Mapping[Language, str]],
    key: str,
    language: Language,
    params: Mapping[str, object],
) -> str | None:
    entry = table.get(key)
    if entry is None:
        return None
    try:
        return entry[language].format(**params)
    except (KeyError, IndexError):
        return entry[language]


def problem_title(problem_type: str, language: Language) -> str:
    return _render(PROBLEM_TITLES, problem_type, language, {}) or problem_type


def problem_detail(
    problem_type: str, language: Language, params: Mapping[str, object]
) -> str | None:
    return _render(PROBLEM_DETAILS, problem_type, language, params)


def field_message(code: str, language: Language, params: Mapping[str, object]) -> str:
    return (
        _render(FIELD_MESSAGES, code, language, params)
        or _render(FIELD_MESSAGES, "invalid", language, {})
        or code
    )
