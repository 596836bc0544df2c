// The interface language: Vietnamese first, English second. The choice is remembered on the
// device and drives <html lang>, the UI strings and the Accept-Language of every API call.
import { effect, signal } from '@preact/signals';

export type Language = 'vi' | 'en';

const STORAGE_KEY = 'motcua.language';

function storedLanguage(): Language {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'vi';
  } catch {
    return 'vi'; // storage can be blocked (private modes); Vietnamese is the default anyway
  }
}

export const language = signal<Language>(storedLanguage());

effect(() => {
  document.documentElement.lang = language.value;
  try {
    localStorage.setItem(STORAGE_KEY, language.value);
  } catch {
    // Not remembered on this device; the switch still works for this visit.
  }
});

const vi = {
  appName: 'MotCua',
  appTagline: 'Dịch vụ công Đồng Nai',
  skipToContent: 'Bỏ qua, đến nội dung chính',
  mainNavigation: 'Điều hướng chính',
  navHome: 'Trang chủ',
  navProcedures: 'Thủ tục',
  offline: 'Ngoại tuyến',
  offlineHint: 'Không có mạng: đang dùng danh mục đã lưu trên máy.',
  updateAvailable: 'Có phiên bản mới',
  reload: 'Tải lại',
  catalogueLoading: 'Đang tải danh mục…',
  catalogueUnavailable: 'Chưa có danh mục trên máy. Hãy kết nối mạng để tải lần đầu.',
  catalogueRefreshFailed: 'Không cập nhật được danh mục: {reason}',
  catalogueUpdatedAt: 'Danh mục cập nhật lúc {time}',
  homeTitle: 'Tìm thủ tục hành chính',
  homeIntro:
    'Tra cứu giấy tờ cần nộp, lệ phí và thời hạn giải quyết của các thủ tục tại tỉnh Đồng Nai — kể cả khi không có mạng.',
  searchLabel: 'Tên thủ tục, mã số hoặc lĩnh vực',
  searchPlaceholder: 'Ví dụ: khai sinh',
  searchButton: 'Tìm kiếm',
  browseBySector: 'Tra cứu theo lĩnh vực',
  procedureCount: '{count} thủ tục',
  listTitle: 'Thủ tục hành chính',
  filters: 'Lọc kết quả',
  filterSector: 'Lĩnh vực',
  filterLevel: 'Cấp giải quyết',
  filterOnline: 'Mức độ trực tuyến',
  filterAll: 'Tất cả',
  resultCount: 'Tìm thấy {count} thủ tục',
  noResults: 'Không tìm thấy thủ tục phù hợp. Hãy thử từ khóa ngắn hơn hoặc bỏ bớt bộ lọc.',
  levelProvince: 'Cấp tỉnh',
  levelCommune: 'Cấp xã',
  onlineFull: 'Trực tuyến toàn trình',
  onlinePartial: 'Trực tuyến một phần',
  backToList: 'Danh sách thủ tục',
  procedureCode: 'Mã thủ tục',
  sector: 'Lĩnh vực',
  agency: 'Cơ quan giải quyết',
  agencyLevel: 'Cấp giải quyết',
  onlineLevel: 'Mức độ trực tuyến',
  processingTime: 'Thời hạn giải quyết',
  fees: 'Lệ phí',
  documents: 'Giấy tờ cần nộp',
  variant: 'Trường hợp: {name}',
  officialName: 'Tên chính thức',
  unverifiedTitle: 'Thông tin chưa được xác minh',
  unverifiedNote:
    'Thông tin của thủ tục này chưa được đối chiếu với danh mục chính thức của tỉnh. Vui lòng kiểm tra lại với cơ quan giải quyết trước khi nộp hồ sơ.',
  free: 'Miễn phí',
  feePer: 'tính theo {per}',
  originals: '{count} bản chính',
  copies: '{count} bản sao',
  photoAllowed: 'Chấp nhận ảnh chụp hoặc bản quét',
  paperOnly: 'Phải nộp bản giấy',
  optional: 'Không bắt buộc',
  sameDay: 'Trong ngày',
  unitWorkingDays: '{count} ngày làm việc',
  unitWorkingHours: '{count} giờ làm việc',
  unitCalendarDays: '{count} ngày',
  loading: 'Đang tải…',
  notFoundTitle: 'Không tìm thấy trang',
  notFoundText: 'Địa chỉ này không có trong MotCua.',
  procedureNotFound: 'Không tìm thấy thủ tục có mã {code}.',
  goHome: 'Về trang chủ',
  signIn: 'Đăng nhập',
  optionalField: '(không bắt buộc)',
  accountOf: 'Tài khoản của {name}',
  sessionExpired: 'Phiên đăng nhập đã hết hạn — ',
  signInAgain: 'đăng nhập lại',
  sessionExpiredKeepsData: 'Dữ liệu trên máy vẫn được giữ nguyên.',
  syncing: 'Đang đồng bộ…',
  syncWaiting: '{count} thay đổi đang chờ',
  syncRejected: '{count} thay đổi bị từ chối',
  synced: 'Đã đồng bộ',
  syncNeedsUpdate: 'Cần cập nhật ứng dụng để đồng bộ',
  navDossiers: 'Hồ sơ của tôi',
  navInbox: 'Thông báo',
  navWork: 'Công việc',
};

export type MessageKey = keyof typeof vi;

const en: Record<MessageKey, string> = {
  appName: 'MotCua',
  appTagline: 'Đồng Nai public services',
  skipToContent: 'Skip to main content',
  mainNavigation: 'Main navigation',
  navHome: 'Home',
  navProcedures: 'Procedures',
  offline: 'Offline',
  offlineHint: 'No network: using the catalogue saved on this device.',
  updateAvailable: 'New version',
  reload: 'Reload',
  catalogueLoading: 'Loading the catalogue…',
  catalogueUnavailable:
    'The catalogue is not on this device yet. Connect to the network to load it once.',
  catalogueRefreshFailed: 'Could not update the catalogue: {reason}',
  catalogueUpdatedAt: 'Catalogue updated {time}',
  homeTitle: 'Find an administrative procedure',
  homeIntro:
    'Look up the documents, fees and processing time of procedures in Đồng Nai province — even without a network.',
  searchLabel: 'Procedure name, code or sector',
  searchPlaceholder: 'For example: birth',
  searchButton: 'Search',
  browseBySector: 'Browse by sector',
  procedureCount: '{count} procedure|{count} procedures',
  listTitle: 'Administrative procedures',
  filters: 'Filter results',
  filterSector: 'Sector',
  filterLevel: 'Agency level',
  filterOnline: 'Online service',
  filterAll: 'All',
  resultCount: '{count} procedure found|{count} procedures found',
  noResults: 'No matching procedure. Try a shorter search or fewer filters.',
  levelProvince: 'Province',
  levelCommune: 'Commune',
  onlineFull: 'Fully online',
  onlinePartial: 'Partly online',
  backToList: 'All procedures',
  procedureCode: 'Procedure code',
  sector: 'Sector',
  agency: 'Handled by',
  agencyLevel: 'Agency level',
  onlineLevel: 'Online service',
  processingTime: 'Processing time',
  fees: 'Fees',
  documents: 'Required documents',
  variant: 'Case: {name}',
  officialName: 'Official name',
  unverifiedTitle: 'Not yet verified',
  unverifiedNote:
    "This procedure's details have not yet been checked against the province's official catalogue. Please confirm them with the agency before you apply.",
  free: 'Free',
  feePer: 'per {per}',
  originals: '{count} original|{count} originals',
  copies: '{count} copy|{count} copies',
  photoAllowed: 'A photo or scan is accepted',
  paperOnly: 'Paper document required',
  optional: 'Optional',
  sameDay: 'Same day',
  unitWorkingDays: '{count} working day|{count} working days',
  unitWorkingHours: '{count} working hour|{count} working hours',
  unitCalendarDays: '{count} day|{count} days',
  loading: 'Loading…',
  notFoundTitle: 'Page not found',
  notFoundText: 'This address is not part of MotCua.',
  procedureNotFound: 'No procedure has the code {code}.',
  goHome: 'Go to the home page',
  signIn: 'Sign in',
  optionalField: '(optional)',
  accountOf: "{name}'s account",
  sessionExpired: 'Your session has expired — ',
  signInAgain: 'sign in again',
  sessionExpiredKeepsData: 'The data on this device is kept.',
  syncing: 'Syncing…',
  syncWaiting: '{count} change waiting|{count} changes waiting',
  syncRejected: '{count} change refused|{count} changes refused',
  synced: 'Synced',
  syncNeedsUpdate: 'Update the app to sync',
  navDossiers: 'My applications',
  navInbox: 'Notifications',
  navWork: 'Work',
};

const messages: Record<Language, Record<MessageKey, string>> = { vi, en };

type Params = Record<string, string | number>;

/**
 * `message` with `{name}` placeholders filled in. A message written "singular|plural" picks its
 * form by the `count` parameter.
 */
function format(lang: Language, message: string, params: Params): string {
  const forms = message.split('|');
  const count = params['count'];
  const isOne = typeof count === 'number' && new Intl.PluralRules(lang).select(count) === 'one';
  const chosen = (isOne ? forms[0] : forms.at(-1)) ?? '';
  return chosen.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in params ? String(params[name]) : placeholder,
  );
}

/** The UI string `key` in the current language (see `format`). */
export function t(key: MessageKey, params: Params = {}): string {
  const lang = language.value;
  return format(lang, messages[lang][key], params);
}

/**
 * A feature's own strings, Vietnamese and English, and their `t`. Pages that are loaded lazily
 * keep their strings here, in their own chunk, so the shell does not carry them.
 */
export function defineMessages<const Vi extends Record<string, string>>(
  vi: Vi,
  en: Record<keyof Vi, string>,
): (key: keyof Vi & string, params?: Params) => string {
  const tables: Record<Language, Record<keyof Vi, string>> = { vi, en };
  return (key, params = {}) => {
    const lang = language.value;
    return format(lang, tables[lang][key], params);
  };
}

/** The English text when the UI is in English and one exists (the API may send none, or null);
 * the Vietnamese otherwise. */
export function localized(vietnamese: string, english?: string | null): string {
  return language.value === 'en' && english ? english : vietnamese;
}
