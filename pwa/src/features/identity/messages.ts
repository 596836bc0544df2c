// Strings of the identity pages, in their lazy chunk. The header's few live in lib/i18n.ts.
import { defineMessages } from '../../lib/i18n';

export const m = defineMessages(
  {
    signUpTitle: 'Tạo tài khoản',
    signUpIntro:
      'Một tài khoản cho mọi thủ tục của tỉnh. Bạn đăng nhập bằng passkey — vân tay, khuôn mặt hoặc khóa màn hình của điện thoại — không cần mật khẩu.',
    fullName: 'Họ và tên',
    phone: 'Số điện thoại di động',
    phoneHint: 'Ví dụ: 0912 345 678',
    email: 'Email',
    cccd: 'Số căn cước công dân (CCCD)',
    cccdHint: '12 chữ số trên thẻ căn cước',
    createPasskey: 'Tạo passkey',
    haveAccount: 'Đã có tài khoản?',
    signIn: 'Đăng nhập',
    fixFields: 'Vui lòng sửa các mục được đánh dấu.',
    required: 'Vui lòng điền mục này.',
    invalidPhone: 'Số di động Việt Nam gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09.',
    invalidEmail: 'Địa chỉ email chưa đúng, ví dụ: ten@example.com.',
    cccdFormat: 'Số CCCD gồm đúng 12 chữ số.',
    cccdProvince: 'Ba chữ số đầu của CCCD không phải mã tỉnh, thành phố.',
    cccdCentury: 'Chữ số thứ tư (thế kỷ, giới tính) hoặc năm sinh trong số CCCD không đúng.',
    preparing: 'Đang chuẩn bị…',
    confirmOnDevice: 'Hãy xác nhận bằng vân tay, khuôn mặt hoặc khóa màn hình.',
    finishing: 'Đang hoàn tất…',

    signInTitle: 'Đăng nhập',
    signInIntro:
      'Dùng passkey bạn đã tạo trên điện thoại này hoặc lưu trong tài khoản Google, Apple của bạn. Không cần mật khẩu.',
    signInWithPasskey: 'Đăng nhập bằng passkey',
    autofillLabel: 'Hoặc chọn tài khoản đã lưu',
    autofillHint: 'Chạm vào ô để trình duyệt gợi ý passkey.',
    noAccount: 'Chưa có tài khoản?',
    createAccount: 'Tạo tài khoản',
    recoveryTitle: 'Mất điện thoại hoặc passkey?',
    recoveryIntro:
      'Nhập một mã khôi phục bạn đã chép lại để tạo passkey mới. Nếu không có mã, hãy mang CCCD đến bộ phận một cửa để được cấp lại.',
    recoveryCode: 'Mã khôi phục',
    useRecoveryCode: 'Dùng mã khôi phục',

    enrollTitle: 'Tạo passkey',
    enrollFor: 'Passkey mới sẽ mở tài khoản của {name}.',
    enrollIntro:
      'Passkey được lưu trên thiết bị này; lần sau bạn chỉ cần vân tay, khuôn mặt hoặc khóa màn hình để đăng nhập.',
    enrollMissingToken:
      'Liên kết này không đầy đủ. Hãy mở lại liên kết hoặc quét lại mã QR bạn được cấp.',
    enrollChecking: 'Đang kiểm tra liên kết…',

    accountTitle: 'Tài khoản',
    notSignedIn: 'Bạn chưa đăng nhập trên thiết bị này.',
    profile: 'Thông tin cá nhân',
    roles: 'Vai trò',
    roleDesk: 'Tiếp nhận hồ sơ',
    roleHandler: 'Xử lý hồ sơ',
    roleApprover: 'Phê duyệt',
    roleField: 'Cán bộ thực địa',
    rolePostal: 'Bưu chính',
    roleAdmin: 'Quản trị',
    signOut: 'Đăng xuất',
    needsNetwork: 'Cần có mạng để xem mục này.',
    loading: 'Đang tải…',
    retry: 'Thử lại',
    cancel: 'Hủy',

    passkeysTitle: 'Passkey',
    passkeysIntro: 'Các passkey mở được tài khoản này.',
    passkeyCreated: 'Tạo lúc {time}',
    passkeyLastUsed: 'Dùng lần cuối lúc {time}',
    passkeySynced: 'Đồng bộ qua tài khoản đám mây',
    passkeyDeviceOnly: 'Chỉ lưu trên một thiết bị',
    removePasskey: 'Xóa',
    removePasskeyNamed: 'Xóa passkey {name}',
    removePasskeyConfirm:
      'Xóa passkey “{name}”? Thiết bị giữ passkey này sẽ không đăng nhập được nữa.',
    onlyPasskey: 'Đây là passkey duy nhất: hãy thêm một điện thoại khác trước khi xóa.',

    addPhoneTitle: 'Thêm điện thoại khác',
    addPhoneIntro:
      'Tạo passkey trên một điện thoại khác để vẫn đăng nhập được khi mất điện thoại này.',
    addPhoneButton: 'Thêm điện thoại khác',
    addPhoneQrAlt: 'Mã QR để tạo passkey trên điện thoại khác',
    addPhoneScan:
      'Trên điện thoại mới, quét mã QR bằng camera hoặc mở liên kết dưới đây. Liên kết dùng được một lần, đến {time}.',
    copyLink: 'Sao chép liên kết',
    copied: 'Đã sao chép',

    devicesTitle: 'Thiết bị đang đăng nhập',
    thisDevice: 'Thiết bị này',
    unknownDevice: 'Thiết bị không rõ',
    sessionStarted: 'Đăng nhập lúc {time}',
    sessionLastSeen: 'Hoạt động lần cuối lúc {time}',
    revokeSession: 'Đăng xuất thiết bị',
    revokeSessionNamed: 'Đăng xuất thiết bị {device}',
    signOutEverywhere: 'Đăng xuất khỏi mọi thiết bị',
    signOutEverywhereConfirm: 'Đăng xuất trên tất cả thiết bị, kể cả thiết bị này?',

    recoveryCodesTitle: 'Mã khôi phục',
    recoveryCodesIntro:
      'Mỗi mã dùng được một lần để tạo passkey mới khi bạn mất mọi passkey. Tạo mã mới làm các mã cũ hết hiệu lực.',
    generateCodes: 'Tạo mã khôi phục',
    codesWarning:
      'Hãy chép lại hoặc in các mã này ngay và cất ở nơi an toàn: chúng chỉ hiện một lần.',
    copyCodes: 'Sao chép các mã',
    codesSaved: 'Tôi đã chép lại',

    recentTitle: 'Thủ tục đã xem gần đây',
    recentEmpty: 'Tài khoản này chưa xem thủ tục nào trên thiết bị này.',
    recentNote: 'Chỉ lưu trên thiết bị này, riêng cho tài khoản của bạn.',

    networkError: 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.',
    rateLimited: 'Bạn đã thử quá nhiều lần. Hãy thử lại sau {seconds} giây.',
    passkeyUnsupported:
      'Trình duyệt này không dùng được passkey. Hãy dùng Chrome, Safari, Edge hoặc Firefox bản mới.',
    passkeyCancelled: 'Passkey chưa được dùng: yêu cầu đã bị hủy hoặc hết thời gian. Hãy thử lại.',
    passkeyExists: 'Thiết bị này đã có passkey của tài khoản này.',
    passkeyInsecure: 'Địa chỉ trang này không được phép dùng passkey.',
    passkeyOther: 'Không dùng được passkey. Hãy thử lại.',
  },
  {
    signUpTitle: 'Create an account',
    signUpIntro:
      "One account for every procedure of the province. You sign in with a passkey — your phone's fingerprint, face or screen lock — no password.",
    fullName: 'Full name',
    phone: 'Mobile number',
    phoneHint: 'For example: 0912 345 678',
    email: 'Email',
    cccd: 'Citizen identity number (CCCD)',
    cccdHint: 'The 12 digits on your identity card',
    createPasskey: 'Create a passkey',
    haveAccount: 'Already have an account?',
    signIn: 'Sign in',
    fixFields: 'Please correct the marked fields.',
    required: 'Please fill in this field.',
    invalidPhone: 'A Vietnamese mobile number has 10 digits and starts with 03, 05, 07, 08 or 09.',
    invalidEmail: 'This email address looks wrong, for example: name@example.com.',
    cccdFormat: 'A CCCD number has exactly 12 digits.',
    cccdProvince: 'The first three digits of a CCCD number are a province code.',
    cccdCentury: 'The fourth digit (century and sex) or the birth year of this CCCD is wrong.',
    preparing: 'Preparing…',
    confirmOnDevice: 'Confirm with your fingerprint, face or screen lock.',
    finishing: 'Finishing…',

    signInTitle: 'Sign in',
    signInIntro:
      'Use the passkey you created on this phone or saved in your Google or Apple account. No password needed.',
    signInWithPasskey: 'Sign in with a passkey',
    autofillLabel: 'Or choose a saved account',
    autofillHint: 'Tap the field for the browser to suggest your passkeys.',
    noAccount: 'No account yet?',
    createAccount: 'Create an account',
    recoveryTitle: 'Lost your phone or passkey?',
    recoveryIntro:
      'Enter one of the recovery codes you wrote down to create a new passkey. Without a code, bring your CCCD to the one-stop desk to be re-enrolled.',
    recoveryCode: 'Recovery code',
    useRecoveryCode: 'Use the recovery code',

    enrollTitle: 'Create a passkey',
    enrollFor: "The new passkey will open {name}'s account.",
    enrollIntro:
      'The passkey is kept on this device; next time your fingerprint, face or screen lock signs you in.',
    enrollMissingToken:
      'This link is incomplete. Open the link again or scan the QR code you were given again.',
    enrollChecking: 'Checking the link…',

    accountTitle: 'Account',
    notSignedIn: 'You are not signed in on this device.',
    profile: 'Personal details',
    roles: 'Roles',
    roleDesk: 'Reception desk',
    roleHandler: 'Case handler',
    roleApprover: 'Approver',
    roleField: 'Field officer',
    rolePostal: 'Postal service',
    roleAdmin: 'Administrator',
    signOut: 'Sign out',
    needsNetwork: 'A network connection is needed to see this.',
    loading: 'Loading…',
    retry: 'Try again',
    cancel: 'Cancel',

    passkeysTitle: 'Passkeys',
    passkeysIntro: 'The passkeys that open this account.',
    passkeyCreated: 'Created {time}',
    passkeyLastUsed: 'Last used {time}',
    passkeySynced: 'Synced through a cloud account',
    passkeyDeviceOnly: 'Kept on one device only',
    removePasskey: 'Remove',
    removePasskeyNamed: 'Remove the passkey {name}',
    removePasskeyConfirm:
      'Remove the passkey “{name}”? The device holding it can no longer sign in.',
    onlyPasskey: 'This is the only passkey: add another phone before removing it.',

    addPhoneTitle: 'Add another phone',
    addPhoneIntro:
      'Create a passkey on another phone so that you can still sign in if you lose this one.',
    addPhoneButton: 'Add another phone',
    addPhoneQrAlt: 'QR code to create a passkey on another phone',
    addPhoneScan:
      'On the new phone, scan the QR code with the camera or open the link below. The link works once, until {time}.',
    copyLink: 'Copy the link',
    copied: 'Copied',

    devicesTitle: 'Signed-in devices',
    thisDevice: 'This device',
    unknownDevice: 'Unknown device',
    sessionStarted: 'Signed in {time}',
    sessionLastSeen: 'Last active {time}',
    revokeSession: 'Sign out device',
    revokeSessionNamed: 'Sign out device {device}',
    signOutEverywhere: 'Sign out everywhere',
    signOutEverywhereConfirm: 'Sign out on every device, this one included?',

    recoveryCodesTitle: 'Recovery codes',
    recoveryCodesIntro:
      'Each code creates a new passkey once, if you lose all your passkeys. New codes cancel the old ones.',
    generateCodes: 'Create recovery codes',
    codesWarning:
      'Write these codes down or print them now and keep them somewhere safe: they are shown only once.',
    copyCodes: 'Copy the codes',
    codesSaved: 'I have written them down',

    recentTitle: 'Recently viewed procedures',
    recentEmpty: 'This account has not viewed any procedure on this device yet.',
    recentNote: 'Kept on this device only, separately for your account.',

    networkError: 'Could not reach the server. Check the network and try again.',
    rateLimited: 'Too many attempts. Try again in {seconds} seconds.',
    passkeyUnsupported:
      'This browser cannot use passkeys. Use a recent Chrome, Safari, Edge or Firefox.',
    passkeyCancelled: 'No passkey was used: the request was cancelled or timed out. Try again.',
    passkeyExists: 'This device already holds a passkey of this account.',
    passkeyInsecure: 'This address is not allowed to use passkeys.',
    passkeyOther: 'The passkey could not be used. Try again.',
  },
);
