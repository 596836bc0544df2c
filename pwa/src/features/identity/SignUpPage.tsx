import { useLocation } from 'preact-iso';
import { useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import { finishSignUp, startSignUp } from '../../api/identity';
import { todayInVietnam } from '../../lib/format';
import { TextField } from '../../ui/TextField';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { explainFailure } from './explain';
import { adoptIdentity } from './identity';
import { m } from './messages';
import { ACCOUNT_PATH, SIGN_IN_PATH } from './paths';
import {
  checkSignUp,
  SIGN_UP_FIELDS,
  type SignUpErrorCode,
  type SignUpField,
  type SignUpForm,
  signUpDetails,
} from './sign-up-rules';
import { Progress, type Task } from './Progress';
import { createPasskey } from './webauthn';

const LOCAL_MESSAGES = {
  required: 'required',
  phone: 'invalidPhone',
  email: 'invalidEmail',
  cccd_format: 'cccdFormat',
  cccd_province: 'cccdProvince',
  cccd_century: 'cccdCentury',
} as const satisfies Record<SignUpErrorCode, Parameters<typeof m>[0]>;

type FieldMessages = Partial<Record<SignUpField, string>>;

export function SignUpPage() {
  const { route } = useLocation();
  const [form, setForm] = useState<SignUpForm>({ fullName: '', phone: '', email: '', cccd: '' });
  const [fieldErrors, setFieldErrors] = useState<FieldMessages>({});
  const [task, setTask] = useState<Task>({ status: 'idle' });
  const formRef = useRef<HTMLFormElement>(null);
  useDocumentTitle(m('signUpTitle'));

  const update = (field: SignUpField) => (value: string) => {
    setForm((previous) => ({ ...previous, [field]: value }));
    if (fieldErrors[field]) setFieldErrors(({ [field]: _, ...rest }) => rest);
  };

  function showFieldErrors(errors: FieldMessages) {
    setFieldErrors(errors);
    const first = SIGN_UP_FIELDS.find((field) => errors[field]);
    if (first) formRef.current?.querySelector<HTMLInputElement>(`#${first}`)?.focus();
  }

  async function submit(event: Event) {
    event.preventDefault();
    if (task.status === 'working') return;
    const local = checkSignUp(form, todayInVietnam());
    const localMessages: FieldMessages = {};
    for (const field of SIGN_UP_FIELDS) {
      const code = local[field];
      if (code) localMessages[field] = m(LOCAL_MESSAGES[code]);
    }
    if (Object.keys(localMessages).length > 0) {
      setTask({ status: 'failed', message: m('fixFields') });
      showFieldErrors(localMessages);
      return;
    }
    setFieldErrors({});
    try {
      setTask({ status: 'working', message: m('preparing') });
      const { ceremonyId, publicKey } = await startSignUp(signUpDetails(form));
      setTask({ status: 'working', message: m('confirmOnDevice') });
      const credential = await createPasskey(publicKey);
      setTask({ status: 'working', message: m('finishing') });
      adoptIdentity(await finishSignUp(ceremonyId, credential));
      route(ACCOUNT_PATH);
    } catch (error) {
      const serverFields = fieldMessagesOf(error);
      setTask({ status: 'failed', message: serverFields ? m('fixFields') : explainFailure(error) });
      if (serverFields) showFieldErrors(serverFields);
    }
  }

  const isWorking = task.status === 'working';
  return (
    <>
      <h1 tabIndex={-1}>{m('signUpTitle')}</h1>
      <p class="lead">{m('signUpIntro')}</p>
      <form ref={formRef} class="stacked-form" noValidate onSubmit={submit}>
        <TextField
          id="fullName"
          label={m('fullName')}
          value={form.fullName}
          onValue={update('fullName')}
          error={fieldErrors.fullName}
          autocomplete="name"
          autoCapitalize="words"
          required
        />
        <TextField
          id="phone"
          label={m('phone')}
          hint={m('phoneHint')}
          value={form.phone}
          onValue={update('phone')}
          error={fieldErrors.phone}
          type="tel"
          inputMode="tel"
          autocomplete="tel"
          required
        />
        <TextField
          id="email"
          label={m('email')}
          value={form.email}
          onValue={update('email')}
          error={fieldErrors.email}
          isOptional
          type="email"
          autocomplete="email"
        />
        <TextField
          id="cccd"
          label={m('cccd')}
          hint={m('cccdHint')}
          value={form.cccd}
          onValue={update('cccd')}
          error={fieldErrors.cccd}
          isOptional
          inputMode="numeric"
          autocomplete="off"
        />
        <Progress task={task} />
        <button type="submit" disabled={isWorking}>
          {m('createPasskey')}
        </button>
      </form>
      <p>
        {m('haveAccount')} <a href={SIGN_IN_PATH}>{m('signIn')}</a>
      </p>
    </>
  );
}

/** The server's field messages when it refused the details (422); undefined otherwise. */
function fieldMessagesOf(error: unknown): FieldMessages | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const messages: FieldMessages = {};
  for (const problem of error.problem?.errors ?? []) {
    const field = SIGN_UP_FIELDS.find((known) => known === problem.field);
    if (field) messages[field] ??= problem.message;
  }
  return Object.keys(messages).length > 0 ? messages : undefined;
}
