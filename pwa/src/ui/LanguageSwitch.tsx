import { language } from '../lib/i18n';

/** One button naming the other language, in that language, so either reader recognises it. */
export function LanguageSwitch() {
  const isVietnamese = language.value === 'vi';
  return (
    <button
      type="button"
      class="language-switch"
      lang={isVietnamese ? 'en' : 'vi'}
      onClick={() => (language.value = isVietnamese ? 'en' : 'vi')}
    >
      {isVietnamese ? 'English' : 'Tiếng Việt'}
    </button>
  );
}
