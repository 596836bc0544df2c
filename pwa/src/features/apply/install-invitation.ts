// Safari on iPhone and iPad deletes a site's stored data after seven days without a visit,
// drafts and photos waiting to upload included; an app added to the home screen keeps its
// data (DESIGN §12). So before someone fills an application there, invite them to add MotCua.

export interface BrowserTraits {
  userAgent: string;
  /** navigator.maxTouchPoints: an iPad asking for the desktop site says "Macintosh". */
  maxTouchPoints: number;
  /** Running as an installed app (navigator.standalone, or display-mode: standalone). */
  isStandalone: boolean;
}

const IOS = /iPhone|iPad|iPod/;
// Other browsers and in-app views on iOS name themselves; Safari does not.
const NOT_SAFARI =
  /CriOS|FxiOS|EdgiOS|OPiOS|OPT\/|GSA\/|YaBrowser|DuckDuckGo|Zalo|FBAN|FBAV|Instagram|Line\//;

/** Whether this is Safari on iOS or iPadOS, in a tab rather than installed. */
export function shouldInviteToInstall(traits: BrowserTraits): boolean {
  const { userAgent, maxTouchPoints, isStandalone } = traits;
  if (isStandalone) return false;
  const isIos = IOS.test(userAgent) || (/Macintosh/.test(userAgent) && maxTouchPoints > 1);
  return isIos && /Safari\//.test(userAgent) && !NOT_SAFARI.test(userAgent);
}

/** This browser's traits. */
export function browserTraits(): BrowserTraits {
  const standalone = (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return {
    userAgent: navigator.userAgent,
    maxTouchPoints: navigator.maxTouchPoints ?? 0,
    isStandalone: standalone || matchMedia('(display-mode: standalone)').matches,
  };
}

const DISMISSED_KEY = 'motcua.installInvitationDismissed';

export function isInvitationDismissed(): boolean {
  try {
    return localStorage.getItem(DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}

export function dismissInvitation(): void {
  try {
    localStorage.setItem(DISMISSED_KEY, '1');
  } catch {
    // Not remembered on this device; closed for this visit.
  }
}
