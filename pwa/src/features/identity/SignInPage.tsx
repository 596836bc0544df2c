import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { finishSignIn, redeemRecoveryCode, startSignIn } from '../../api/identity';
import { TextField } from '../../ui/TextField';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { explainFailure } from './explain';
import { adoptIdentity } from './identity';
import { m } from './messages';
import { enrollUrl, pathAfterSignIn, SIGN_UP_PATH } from './paths';
import { Progress, type Task } from './Progress';
import { getPasskey, isAutofillAvailable, PasskeyError } from './webauthn';

/** A conditional (autofill) request waiting for the user to pick a passkey in the field. */
interface Autofill {
  controller: AbortController;
  settled: Promise<void>;
}

export function SignInPage() {
  const { query, route } = useLocation();
  const [task, setTask] = useState<Task>({ status: 'idle' });
  const [hasAutofill, setHasAutofill] = useState(false);
  const autofill = useRef<Autofill | null>(null);
  useDocumentTitle(m('signInTitle'));

  async function finish(ceremonyId: string, credential: AuthenticationResponseJSON) {
    setTask({ status: 'working', message: m('finishing') });
    adoptIdentity(await finishSignIn(ceremonyId, credential));
    route(pathAfterSignIn(query['next']));
  }

  /** Offer the passkeys in the field's autofill; picking one signs in. */
  function startAutofill() {
    const controller = new AbortController();
    const settled = (async () => {
      try {
        const { ceremonyId, publicKey } = await startSignIn();
        if (controller.signal.aborted) return;
        const credential = await getPasskey(publicKey, {
          mediation: 'conditional',
          signal: controller.signal,
        });
        await finish(ceremonyId, credential);
      } catch (error) {
        if (controller.signal.aborted) return;
        // The browser ended the wait by itself: nothing to tell, the button still works.
        if (error instanceof PasskeyError && error.failure === 'cancelled') return;
        setTask({ status: 'failed', message: explainFailure(error) });
        if (!(error instanceof PasskeyError)) startAutofill(); // a new challenge for the field
      }
    })();
    autofill.current = { controller, settled };
  }

  /** The browser runs one ceremony at a time: end the autofill's before starting another. */
  async function stopAutofill() {
    const running = autofill.current;
    autofill.current = null;
    if (!running) return;
    running.controller.abort();
    await running.settled;
  }

  useEffect(() => {
    let isMounted = true;
    void isAutofillAvailable().then((isAvailable) => {
      if (!isAvailable || !isMounted) return;
      setHasAutofill(true);
      startAutofill();
    });
    return () => {
      isMounted = false;
      autofill.current?.controller.abort();
    };
  }, []);

  async function signInWithPasskey(event: Event) {
    event.preventDefault();
    if (task.status === 'working') return;
    await stopAutofill();
    try {
      setTask({ status: 'working', message: m('preparing') });
      const { ceremonyId, publicKey } = await startSignIn();
      setTask({ status: 'working', message: m('confirmOnDevice') });
      await finish(ceremonyId, await getPasskey(publicKey));
    } catch (error) {
      setTask({ status: 'failed', message: explainFailure(error) });
      if (hasAutofill) startAutofill();
    }
  }

  return (
    <>
      <h1 tabIndex={-1}>{m('signInTitle')}</h1>
      <p class="lead">{m('signInIntro')}</p>
      <form class="stacked-form" onSubmit={signInWithPasskey}>
        <button type="submit" class="primary-action" disabled={task.status === 'working'}>
          {m('signInWithPasskey')}
        </button>
        {hasAutofill && (
          <div class="field">
            <label for="passkey-username">{m('autofillLabel')}</label>
            <p id="passkey-username-hint" class="field-hint">
              {m('autofillHint')}
            </p>
            {/* Only a place for the browser's passkey suggestions; nothing typed is sent. */}
            <input
              id="passkey-username"
              name="username"
              type="text"
              autocomplete="username webauthn"
              aria-describedby="passkey-username-hint"
            />
          </div>
        )}
        <Progress task={task} />
      </form>
      <p>
        {m('noAccount')} <a href={SIGN_UP_PATH}>{m('createAccount')}</a>
      </p>
      <RecoveryCodeForm onToken={(token) => route(enrollUrl(token))} />
    </>
  );
}

function RecoveryCodeForm({ onToken }: { onToken: (token: string) => void }) {
  const [code, setCode] = useState('');
  const [task, setTask] = useState<Task>({ status: 'idle' });

  async function redeem(event: Event) {
    event.preventDefault();
    if (task.status === 'working' || code.trim() === '') return;
    try {
      setTask({ status: 'working', message: m('preparing') });
      const { enrollmentToken } = await redeemRecoveryCode(code.trim());
      onToken(enrollmentToken);
    } catch (error) {
      setTask({ status: 'failed', message: explainFailure(error) });
    }
  }

  return (
    <details class="recovery">
      <summary>{m('recoveryTitle')}</summary>
      <p>{m('recoveryIntro')}</p>
      <form class="stacked-form" onSubmit={redeem}>
        <TextField
          id="recovery-code"
          label={m('recoveryCode')}
          value={code}
          onValue={setCode}
          autocomplete="one-time-code"
          autoCapitalize="characters"
          spellcheck={false}
          required
        />
        <Progress task={task} />
        <button type="submit" disabled={task.status === 'working'}>
          {m('useRecoveryCode')}
        </button>
      </form>
    </details>
  );
}
