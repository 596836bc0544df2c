import { ApiError } from '../../api/client';
import { m } from './messages';
import { PasskeyError } from './webauthn';

/** What went wrong, for the user: the server's own words when it sent a problem. */
export function explainFailure(error: unknown): string {
  if (error instanceof PasskeyError) {
    switch (error.failure) {
      case 'unsupported':
        return m('passkeyUnsupported');
      case 'cancelled':
      case 'aborted':
        return m('passkeyCancelled');
      case 'exists':
        return m('passkeyExists');
      case 'insecure':
        return m('passkeyInsecure');
      case 'other':
        return m('passkeyOther');
    }
  }
  if (error instanceof ApiError) {
    const { problem, retryAfter } = error;
    if (problem?.detail || problem?.title) return problem.detail ?? problem.title;
    if (error.status === 429 && retryAfter) return m('rateLimited', { seconds: retryAfter });
    return error.message;
  }
  if (error instanceof TypeError) return m('networkError'); // how fetch fails offline
  return error instanceof Error ? error.message : String(error);
}
