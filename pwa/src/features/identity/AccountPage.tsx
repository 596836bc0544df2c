import type { ComponentChildren } from 'preact';
import { useLocation } from 'preact-iso';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/client';
import {
  type Activity,
  createPasskeyLink,
  createRecoveryCodes,
  fetchActivity,
  fetchPasskeys,
  fetchSessions,
  type Me,
  type Passkey,
  type PasskeyLink,
  type PasskeyOrigin,
  removePasskey,
  revokeSession,
  type RoleAssignment,
  type Session,
  signOut,
  signOutEverywhere,
} from '../../api/identity';
import { findRecentProcedures } from '../../db/account-db';
import { useLiveQuery } from '../../db/useLiveQuery';
import { formatDateTime } from '../../lib/format';
import { localized } from '../../lib/i18n';
import { isOnline } from '../../lib/online';
import { useDocumentTitle } from '../../ui/useDocumentTitle';
import { procedureUrl } from '../catalogue/routes';
import { explainFailure } from './explain';
import { currentIdentity, forgetIdentity } from './identity';
import { m } from './messages';
import { DESK_RECOVERY_PATH, SIGN_IN_PATH, SIGN_UP_PATH } from './paths';
import { Progress, type Task } from './Progress';
import { withFreshPasskey } from './reverify';
import { type Resource, useResource } from './useResource';
import { describeUserAgent } from './user-agent';

const formatTime = (iso: string) => formatDateTime(new Date(iso));

export function AccountPage() {
  const me = currentIdentity.value;
  useDocumentTitle(m('accountTitle'));
  return (
    <>
      <h1 tabIndex={-1}>{m('accountTitle')}</h1>
      {me ? <SignedInAccount me={me} /> : <NotSignedIn />}
    </>
  );
}

function NotSignedIn() {
  return (
    <>
      <p>{m('notSignedIn')}</p>
      <p class="actions">
        <a class="button-link" href={`${SIGN_IN_PATH}?next=%2Faccount`}>
          {m('signIn')}
        </a>
        <a href={SIGN_UP_PATH}>{m('createAccount')}</a>
      </p>
    </>
  );
}

function SignedInAccount({ me }: { me: Me }) {
  const { route } = useLocation();
  // Each change to the account shows in its recent activity at once.
  const [changes, setChanges] = useState(0);
  const changed = () => setChanges((count) => count + 1);
  const leave = () => {
    forgetIdentity();
    route('/');
  };
  return (
    <>
      <Profile me={me} />
      <SignOut onSignedOut={leave} />
      {me.roles.some((grant) => grant.role === 'desk') && <DeskTools />}
      <RecentProcedures accountId={me.id} />
      <Passkeys onChanged={changed} />
      <AddPhone onChanged={changed} />
      <Devices onSignedOutEverywhere={leave} />
      <RecoveryCodes onChanged={changed} />
      <RecentActivity changes={changes} />
    </>
  );
}

function DeskTools() {
  return (
    <Section id="desk-tools" title={m('deskToolsTitle')}>
      <ul class="link-list">
        <li>
          <a href={DESK_RECOVERY_PATH}>{m('deskRecoveryLink')}</a>
        </li>
      </ul>
    </Section>
  );
}

interface SectionProps {
  id: string;
  title: string;
  children: ComponentChildren;
}

function Section({ id, title, children }: SectionProps) {
  return (
    <section class="account-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{title}</h2>
      {children}
    </section>
  );
}

const ROLE_LABELS = {
  desk: 'roleDesk',
  handler: 'roleHandler',
  approver: 'roleApprover',
  field: 'roleField',
  postal: 'rolePostal',
  admin: 'roleAdmin',
} as const;

function roleLabel({ role, agencyName, agencyCode, postalUnit }: RoleAssignment): string {
  const scope = agencyName ?? agencyCode ?? postalUnit;
  return scope ? `${m(ROLE_LABELS[role])} — ${scope}` : m(ROLE_LABELS[role]);
}

function Profile({ me }: { me: Me }) {
  return (
    <Section id="profile" title={m('profile')}>
      <dl class="summary">
        <div>
          <dt>{m('fullName')}</dt>
          <dd>{me.fullName}</dd>
        </div>
        <div>
          <dt>{m('phone')}</dt>
          <dd>{me.phone}</dd>
        </div>
        {me.email && (
          <div>
            <dt>{m('email')}</dt>
            <dd>{me.email}</dd>
          </div>
        )}
        {me.roles.length > 0 && (
          <div>
            <dt>{m('roles')}</dt>
            <dd>
              <ul class="plain-list">
                {me.roles.map((role, index) => (
                  <li key={index}>{roleLabel(role)}</li>
                ))}
              </ul>
            </dd>
          </div>
        )}
      </dl>
    </Section>
  );
}

/** Signing out needs the server: it alone can end the session its HttpOnly cookie names. */
function SignOut({ onSignedOut }: { onSignedOut: () => void }) {
  const [task, setTask] = useState<Task>({ status: 'idle' });
  async function run() {
    setTask({ status: 'working', message: m('loading') });
    try {
      await signOut();
      onSignedOut();
    } catch (error) {
      // 401: the session had already ended, which is what was asked.
      if (error instanceof ApiError && error.status === 401) onSignedOut();
      else setTask({ status: 'failed', message: explainFailure(error) });
    }
  }
  return (
    <div class="sign-out">
      <button type="button" class="secondary" disabled={task.status === 'working'} onClick={run}>
        {m('signOut')}
      </button>
      <Progress task={task} />
    </div>
  );
}

function RecentProcedures({ accountId }: { accountId: string }) {
  const recent = useLiveQuery(() => findRecentProcedures(accountId), [accountId]);
  return (
    <Section id="recent" title={m('recentTitle')}>
      <p class="muted">{m('recentNote')}</p>
      {recent.isLoaded &&
        (recent.value.length === 0 ? (
          <p>{m('recentEmpty')}</p>
        ) : (
          <ul class="link-list">
            {recent.value.map((procedure) => (
              <li key={procedure.code}>
                <a href={procedureUrl(procedure.code)}>
                  {localized(procedure.name, procedure.nameEn)}
                </a>
              </li>
            ))}
          </ul>
        ))}
    </Section>
  );
}

/** What a list from the server shows while it is loading, offline or refused. */
function ResourceState<T>({
  resource,
  reload,
  children,
}: {
  resource: Resource<T>;
  reload: () => void;
  children: (value: T) => ComponentChildren;
}) {
  if (resource.status === 'ready') return <>{children(resource.value)}</>;
  if (!isOnline.value) return <p class="muted">{m('needsNetwork')}</p>;
  if (resource.status === 'loading') return <p class="muted">{m('loading')}</p>;
  return (
    <div class="task-error">
      <p>{resource.message}</p>
      <button type="button" class="secondary" onClick={reload}>
        {m('retry')}
      </button>
    </div>
  );
}

/** An action that asks first: the button reveals the question and its confirm button. */
function Confirmable({
  label,
  accessibleLabel,
  question,
  confirmLabel,
  onConfirm,
}: {
  label: string;
  accessibleLabel?: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => Promise<void>;
}) {
  const [isAsking, setIsAsking] = useState(false);
  const [task, setTask] = useState<Task>({ status: 'idle' });
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (isAsking) confirmRef.current?.focus();
  }, [isAsking]);

  async function confirm() {
    setTask({ status: 'working', message: m('loading') });
    try {
      await onConfirm();
      setTask({ status: 'idle' });
      setIsAsking(false);
    } catch (error) {
      setTask({ status: 'failed', message: explainFailure(error) });
    }
  }

  return (
    <div class="confirmable">
      {isAsking ? (
        <div class="confirm-box">
          <p>{question}</p>
          <div class="actions">
            <button
              ref={confirmRef}
              type="button"
              class="danger"
              disabled={task.status === 'working'}
              onClick={() => void confirm()}
            >
              {confirmLabel}
            </button>
            <button type="button" class="secondary" onClick={() => setIsAsking(false)}>
              {m('cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          class="secondary"
          aria-label={accessibleLabel}
          onClick={() => setIsAsking(true)}
        >
          {label}
        </button>
      )}
      <Progress task={task} />
    </div>
  );
}

function Passkeys({ onChanged }: { onChanged: () => void }) {
  const [passkeys, reload] = useResource(fetchPasskeys, isOnline.value);
  return (
    <Section id="passkeys" title={m('passkeysTitle')}>
      <p>{m('passkeysIntro')}</p>
      <ResourceState resource={passkeys} reload={reload}>
        {(list) => (
          <>
            <ul class="item-list" aria-labelledby="passkeys-heading">
              {list.map((passkey) => (
                <PasskeyItem
                  key={passkey.id}
                  passkey={passkey}
                  isRemovable={list.length > 1}
                  onRemoved={() => {
                    reload();
                    onChanged();
                  }}
                />
              ))}
            </ul>
            {list.length === 1 && <p class="muted">{m('onlyPasskey')}</p>}
          </>
        )}
      </ResourceState>
    </Section>
  );
}

function PasskeyItem({
  passkey,
  isRemovable,
  onRemoved,
}: {
  passkey: Passkey;
  isRemovable: boolean;
  onRemoved: () => void;
}) {
  return (
    <li class="item">
      <p class="item-title">
        {passkey.name}
        {passkey.current && <span class="tag">{m('thisSessionPasskey')}</span>}
      </p>
      <p class="muted">
        {passkey.enrolledVia && (
          <>
            {m(ORIGIN_LABELS[passkey.enrolledVia])}
            <br />
          </>
        )}
        {m('passkeyCreated', { time: formatTime(passkey.createdAt) })}
        {passkey.lastUsedAt && (
          <>
            <br />
            {m('passkeyLastUsed', { time: formatTime(passkey.lastUsedAt) })}
          </>
        )}
        <br />
        {m(passkey.backedUp ? 'passkeySynced' : 'passkeyDeviceOnly')}
      </p>
      {passkey.restrictedUntil && (
        <p class="notice">
          {m('passkeyRestricted', { time: formatTime(passkey.restrictedUntil) })}
        </p>
      )}
      {isRemovable && (
        <Confirmable
          label={m('removePasskey')}
          accessibleLabel={m('removePasskeyNamed', { name: passkey.name })}
          question={m('removePasskeyConfirm', { name: passkey.name })}
          confirmLabel={m('removePasskeyNamed', { name: passkey.name })}
          onConfirm={async () => {
            await withFreshPasskey(() => removePasskey(passkey.id));
            onRemoved();
          }}
        />
      )}
    </li>
  );
}

const ORIGIN_LABELS = {
  sign_up: 'passkeyViaSignUp',
  add_passkey: 'passkeyViaLink',
  recovery_code: 'passkeyViaRecoveryCode',
  desk_recovery: 'passkeyViaDesk',
  staff_enrollment: 'passkeyViaStaff',
} as const satisfies Record<PasskeyOrigin, Parameters<typeof m>[0]>;

function AddPhone({ onChanged }: { onChanged: () => void }) {
  const [link, setLink] = useState<PasskeyLink | null>(null);
  const [task, setTask] = useState<Task>({ status: 'idle' });
  async function create() {
    setTask({ status: 'working', message: m('confirmWithPasskey') });
    try {
      setLink(await withFreshPasskey(createPasskeyLink));
      setTask({ status: 'idle' });
      onChanged();
    } catch (error) {
      setTask({ status: 'failed', message: explainFailure(error) });
    }
  }
  return (
    <Section id="add-phone" title={m('addPhoneTitle')}>
      <p>{m('addPhoneIntro')}</p>
      {link ? (
        <figure class="passkey-link">
          <img src={svgImage(link.qrSvg)} alt={m('addPhoneQrAlt')} />
          <figcaption>
            <p>{m('addPhoneScan', { time: formatTime(link.expiresAt) })}</p>
            <p class="link-text">
              <a href={link.url}>{link.url}</a>
            </p>
            <CopyButton text={link.url} label={m('copyLink')} />
          </figcaption>
        </figure>
      ) : (
        <button
          type="button"
          class="secondary"
          disabled={task.status === 'working' || !isOnline.value}
          onClick={() => void create()}
        >
          {m('addPhoneButton')}
        </button>
      )}
      <Progress task={task} />
    </Section>
  );
}

/** The server's SVG document as an image: drawn, but never part of the page's markup. */
function svgImage(markup: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(markup)}`;
}

function CopyButton({ text, label }: { text: string; label: string }) {
  const [isCopied, setIsCopied] = useState(false);
  if (!navigator.clipboard) return null;
  return (
    <button
      type="button"
      class="secondary"
      onClick={() => void navigator.clipboard.writeText(text).then(() => setIsCopied(true))}
    >
      {isCopied ? m('copied') : label}
    </button>
  );
}

function Devices({ onSignedOutEverywhere }: { onSignedOutEverywhere: () => void }) {
  const [sessions, reload] = useResource(fetchSessions, isOnline.value);
  return (
    <Section id="devices" title={m('devicesTitle')}>
      <ResourceState resource={sessions} reload={reload}>
        {(list) => (
          <ul class="item-list" aria-labelledby="devices-heading">
            {list.map((session) => (
              <SessionItem key={session.id} session={session} onRevoked={reload} />
            ))}
          </ul>
        )}
      </ResourceState>
      <Confirmable
        label={m('signOutEverywhere')}
        question={m('signOutEverywhereConfirm')}
        confirmLabel={m('signOutEverywhere')}
        onConfirm={async () => {
          await signOutEverywhere();
          onSignedOutEverywhere();
        }}
      />
    </Section>
  );
}

function SessionItem({ session, onRevoked }: { session: Session; onRevoked: () => void }) {
  const device = describeUserAgent(session.userAgent) ?? m('unknownDevice');
  return (
    <li class="item">
      <p class="item-title">
        {device}
        {session.current && <span class="tag">{m('thisDevice')}</span>}
      </p>
      <p class="muted">
        {m('sessionStarted', { time: formatTime(session.createdAt) })}
        <br />
        {m('sessionLastSeen', { time: formatTime(session.lastSeenAt) })}
      </p>
      {!session.current && (
        <Confirmable
          label={m('revokeSession')}
          accessibleLabel={m('revokeSessionNamed', { device })}
          question={m('revokeSessionNamed', { device }) + '?'}
          confirmLabel={m('revokeSessionNamed', { device })}
          onConfirm={async () => {
            await revokeSession(session.id);
            onRevoked();
          }}
        />
      )}
    </li>
  );
}

function RecoveryCodes({ onChanged }: { onChanged: () => void }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  const [task, setTask] = useState<Task>({ status: 'idle' });
  async function generate() {
    setTask({ status: 'working', message: m('confirmWithPasskey') });
    try {
      setCodes((await withFreshPasskey(createRecoveryCodes)).codes);
      setTask({ status: 'idle' });
      onChanged();
    } catch (error) {
      setTask({ status: 'failed', message: explainFailure(error) });
    }
  }
  return (
    <Section id="recovery-codes" title={m('recoveryCodesTitle')}>
      <p>{m('recoveryCodesIntro')}</p>
      {codes ? (
        <div class="recovery-codes">
          <p class="notice" role="alert">
            {m('codesWarning')}
          </p>
          <ol class="codes" aria-label={m('recoveryCodesTitle')}>
            {codes.map((code) => (
              <li key={code}>
                <code>{code}</code>
              </li>
            ))}
          </ol>
          <div class="actions">
            <CopyButton text={codes.join('\n')} label={m('copyCodes')} />
            <button type="button" onClick={() => setCodes(null)}>
              {m('codesSaved')}
            </button>
          </div>
        </div>
      ) : (
        <button
          type="button"
          class="secondary"
          disabled={task.status === 'working' || !isOnline.value}
          onClick={() => void generate()}
        >
          {m('generateCodes')}
        </button>
      )}
      <Progress task={task} />
    </Section>
  );
}

/** What happened to the account lately, in words, from the server's audit trail. */
function RecentActivity({ changes }: { changes: number }) {
  const [activity, reload] = useResource(fetchActivity, isOnline.value);
  const seen = useRef(changes);
  useEffect(() => {
    if (seen.current === changes) return;
    seen.current = changes;
    reload();
  }, [changes, reload]);
  return (
    <Section id="activity" title={m('activityTitle')}>
      <p class="muted">{m('activityIntro')}</p>
      <ResourceState resource={activity} reload={reload}>
        {(list) =>
          list.length === 0 ? (
            <p>{m('activityEmpty')}</p>
          ) : (
            <ul class="item-list" aria-labelledby="activity-heading">
              {list.map((item) => (
                <li key={item.id} class="item">
                  <p>{describeActivity(item)}</p>
                  <p class="muted">
                    <time dateTime={item.at}>{formatTime(item.at)}</time>
                  </p>
                </li>
              ))}
            </ul>
          )
        }
      </ResourceState>
    </Section>
  );
}

function describeActivity(item: Activity): string {
  const passkey = item.passkeyName ?? m('somePasskey');
  const agency = localized(item.agencyName ?? m('someDesk'), item.agencyNameEn);
  switch (item.kind) {
    case 'account_created':
      return m(item.how === 'staff_enrollment' ? 'activityStaffCreated' : 'activityAccountCreated');
    case 'signed_in':
      return m('activitySignedIn', {
        passkey,
        device: describeUserAgent(item.userAgent) ?? m('unknownDevice'),
      });
    case 'signed_out_everywhere':
      return m('activitySignedOutEverywhere');
    case 'passkey_added':
      switch (item.how) {
        case 'add_passkey':
          return m('activityAddedByLink', { passkey });
        case 'recovery_code':
          return m('activityAddedByRecoveryCode', { passkey });
        case 'desk_recovery':
          return m('activityAddedAtDesk', { passkey, agency });
        case 'staff_enrollment':
          return m('activityAddedByStaffLink', { passkey });
        default:
          return m('activityAdded', { passkey });
      }
    case 'passkey_removed':
      return m('activityRemoved', { passkey });
    case 'passkey_link_created':
      return m('activityLinkCreated');
    case 'recovery_codes_replaced':
      return m('activityCodesReplaced');
    case 'recovery_code_used':
      return m('activityCodeUsed');
    case 'desk_recovery_issued':
      return m('activityDeskIssued', { agency });
    case 'desk_recovery_refused':
      return m('activityDeskRefused', { agency });
    case 'cccd_recorded':
      return m('activityCccdRecorded', { agency });
    case 'change_refused':
      return m(
        item.refused === 'remove_older_passkey'
          ? 'activityRefusedRemoval'
          : item.refused === 'replace_recovery_codes'
            ? 'activityRefusedCodes'
            : 'activityRefused',
        { passkey },
      );
  }
}
