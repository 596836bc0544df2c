import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import { type EnrollmentCeremony, finishEnrollment, startEnrollment } from '../../api/identity';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { explainFailure } from './explain';
import { adoptIdentity } from './identity';
import { m } from './messages';
import { ACCOUNT_PATH, enrollmentTokenOf } from './paths';
import { Progress, type Task } from './Progress';
import { createPasskey } from './webauthn';

/** Challenges expire after 5 minutes; ask for a fresh one a little before. */
const CEREMONY_LIFETIME_MS = 4 * 60 * 1000;

type Loaded = { ceremony: EnrollmentCeremony; receivedAt: number };

/**
 * A one-time enrollment link (a second phone, a recovery code, the desk, a new staff member):
 * says whose account it opens, then creates a passkey for it and signs in.
 */
export function EnrollPage() {
  const { route } = useLocation();
  const [token] = useState(() => enrollmentTokenOf(location.hash));
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [task, setTask] = useState<Task>(() =>
    token
      ? { status: 'working', message: m('enrollChecking') }
      : { status: 'failed', message: m('enrollMissingToken') },
  );
  useDocumentTitle(m('enrollTitle'));

  useEffect(() => {
    if (!token) return;
    startEnrollment(token).then(
      (ceremony) => {
        setLoaded({ ceremony, receivedAt: Date.now() });
        setTask({ status: 'idle' });
      },
      (error: unknown) => setTask({ status: 'failed', message: explainFailure(error) }),
    );
  }, [token]);

  async function enroll() {
    if (!token || !loaded || task.status === 'working') return;
    try {
      let { ceremony } = loaded;
      if (Date.now() - loaded.receivedAt > CEREMONY_LIFETIME_MS) {
        setTask({ status: 'working', message: m('preparing') });
        ceremony = await startEnrollment(token);
      }
      setTask({ status: 'working', message: m('confirmOnDevice') });
      const credential = await createPasskey(ceremony.publicKey);
      setTask({ status: 'working', message: m('finishing') });
      adoptIdentity(await finishEnrollment(token, ceremony.ceremonyId, credential));
      // The token is spent; keep it out of the history and of whoever looks at the screen.
      history.replaceState(null, '', location.pathname);
      route(ACCOUNT_PATH, true);
    } catch (error) {
      setLoaded((previous) => previous && { ...previous, receivedAt: 0 }); // a fresh challenge
      setTask({ status: 'failed', message: explainFailure(error) });
    }
  }

  return (
    <>
      <h1 tabIndex={-1}>{m('enrollTitle')}</h1>
      {loaded && (
        <>
          <p class="lead">{m('enrollFor', { name: loaded.ceremony.fullName })}</p>
          <p>{m('enrollIntro')}</p>
        </>
      )}
      <Progress task={task} />
      {loaded && (
        <button type="button" disabled={task.status === 'working'} onClick={() => void enroll()}>
          {m('createPasskey')}
        </button>
      )}
    </>
  );
}
