import { useEffect, useState } from 'preact/hooks';
import type { DocumentSlot } from '../../api/types';
import { accountDb, type BlobRow, findEntities } from '../../db/account-db';
import { formatFileSize } from '../../lib/format';
import type { AttachmentStatus } from '../../sync/protocol';
import { t } from '../../lib/i18n';
import { compressProgress, uploadProgress } from '../../sync/uploads';
import {
  ACCEPTED_TYPES,
  DEFAULT_MAX_FILES,
  type ShownError,
  type SlotFile,
  slotId,
} from './application';
import { errorMessage } from './error-messages';
import { inLanguage } from './FieldControl';
import { ta } from './messages';

/** A file of the draft: the stored copy and what the server has said about it. */
export interface DraftFile extends SlotFile {
  blob: Blob;
  fileName: string;
  mediaType: string;
  bytes: number;
  upload: BlobRow['upload'];
  refusal?: string;
  /** The server's attachment status (pending, available, rejected), once pulled. */
  serverStatus?: AttachmentStatus;
  rejectReason?: string;
}

/** The draft's stored files, with the server's word on each. */
export async function readDraftFiles(accountId: string, draftId: string): Promise<DraftFile[]> {
  const blobs = await accountDb(accountId).blobs.where('draftId').equals(draftId).toArray();
  return withServerWord(accountId, blobs);
}

/** Stored files with the server's word on each: its attachment record, once pulled. */
export async function withServerWord(accountId: string, blobs: BlobRow[]): Promise<DraftFile[]> {
  const db = accountDb(accountId);
  const records = await findEntities(db, 'attachment', blobs.map((blob) => blob.id));
  return blobs.map((blob, index) => {
    const server = records[index]?.data ?? undefined;
    const slotKey = blob.slotKey ?? server?.slotKey;
    const serverStatus = server?.status;
    const rejectReason = server?.rejectReason;
    return {
      id: blob.id,
      ...(slotKey !== undefined ? { slotKey } : {}),
      createdAt: blob.createdAt,
      isRefused: blob.upload === 'refused' || serverStatus === 'rejected',
      blob: blob.blob,
      fileName: blob.fileName,
      mediaType: blob.mediaType,
      bytes: blob.bytes,
      upload: blob.upload,
      ...(blob.refusal ? { refusal: blob.refusal } : {}),
      ...(serverStatus ? { serverStatus } : {}),
      ...(rejectReason ? { rejectReason } : {}),
    };
  });
}

interface Props {
  slot: DocumentSlot;
  files: DraftFile[];
  draftId: string;
  error: ShownError | undefined;
  /** A problem with the files just chosen for this slot. */
  notice: string | undefined;
  /** Files chosen for this slot and not stored yet. */
  waiting: number;
  /** A photo of this slot is being compressed now (one at a time, across slots). */
  isCompressing: boolean;
  onAttach: (files: File[], replaces?: string) => void;
  onRemove: (attachmentId: string) => void;
}

/** One required document: its terms, its files and the ways to add them. */
export function DocumentSlotField(props: Props) {
  const { slot, files, draftId, error, notice, waiting, isCompressing, onAttach } = props;
  const name = inLanguage(slot.name);
  const isRequired = slot.required ?? true;
  const max = slot.maxFiles ?? DEFAULT_MAX_FILES;
  const errorId = `${slotId(slot.key)}-error`;
  const compressing = isCompressing ? compressProgress.value.get(draftId) : undefined;
  const { originals = 0, copies = 1, photoAllowed = true } = slot;
  const terms = [
    isRequired ? ta('requiredDocument') : t('optional'),
    originals > 0 && t('originals', { count: originals }),
    copies > 0 && t('copies', { count: copies }),
    !photoAllowed && t('paperOnly'),
  ].filter(Boolean);
  return (
    <fieldset
      id={slotId(slot.key)}
      tabIndex={-1}
      class={error ? 'document-slot has-error' : 'document-slot'}
      aria-describedby={error ? errorId : undefined}
    >
      <legend>
        {name}
        {isRequired && (
          <span class="required-mark" aria-hidden="true">
            {' *'}
          </span>
        )}
      </legend>
      <p class="slot-terms">{terms.join(' · ')}</p>
      {error && (
        <p id={errorId} class="field-error">
          <span class="visually-hidden">{ta('errorPrefix')} </span>
          {errorMessage(error)}
        </p>
      )}
      {files.length > 0 && (
        <ul class="slot-files">
          {files.map((file, index) => (
            <FileItem
              key={file.id}
              file={file}
              number={index + 1}
              onAttach={onAttach}
              onRemove={props.onRemove}
            />
          ))}
        </ul>
      )}
      <p class="slot-progress" role="status">
        {compressing !== undefined ? (
          <>
            {ta('compressing')}{' '}
            <progress max={1} value={compressing} aria-label={ta('compressing')} />
          </>
        ) : (
          waiting > 0 && ta('filesWaiting', { count: waiting })
        )}
      </p>
      {notice && <p class="field-error">{notice}</p>}
      {files.length + waiting < max ? (
        <div class="slot-actions">
          <FileButton
            label={ta('takePhoto')}
            name={ta('takePhotoFor', { slot: name })}
            accept="image/*"
            capture="environment"
            describedBy={error ? errorId : undefined}
            onFiles={(chosen) => onAttach(chosen)}
          />
          <FileButton
            label={ta('chooseFile')}
            name={ta('chooseFileFor', { slot: name })}
            accept={ACCEPTED_TYPES.join(',')}
            isMultiple
            describedBy={error ? errorId : undefined}
            onFiles={(chosen) => onAttach(chosen)}
          />
        </div>
      ) : (
        <p class="muted">{ta('slotFull', { max })}</p>
      )}
    </fieldset>
  );
}

function FileItem({
  file,
  number,
  onAttach,
  onRemove,
}: {
  file: DraftFile;
  number: number;
  onAttach: (files: File[], replaces?: string) => void;
  onRemove: (attachmentId: string) => void;
}) {
  const isImage = file.mediaType.startsWith('image/');
  const progress = uploadProgress.value.get(file.id);
  return (
    <li class={file.isRefused ? 'slot-file is-refused' : 'slot-file'}>
      {isImage ? (
        <Thumbnail file={file} />
      ) : (
        <span class="file-icon" aria-hidden="true">
          PDF
        </span>
      )}
      <div class="file-meta">
        <span class="file-name">
          {ta('fileN', { n: number })}
          {!isImage && ` · ${ta('pdfFile')}`}
        </span>
        <span class="muted file-detail">
          {file.fileName} · {formatFileSize(file.bytes)}
        </span>
        <span class="file-status">{uploadLabel(file)}</span>
        {progress !== undefined && (
          <progress max={1} value={progress} aria-label={ta('fileN', { n: number })} />
        )}
      </div>
      <div class="file-actions">
        <FileButton
          label={isImage ? ta('retake') : ta('replace')}
          name={isImage ? ta('retakeFile', { n: number }) : ta('replaceFile', { n: number })}
          accept={isImage ? 'image/*' : ACCEPTED_TYPES.join(',')}
          {...(isImage ? { capture: 'environment' as const } : {})}
          isSecondary
          onFiles={(chosen) => onAttach(chosen.slice(0, 1), file.id)}
        />
        <button
          type="button"
          class="secondary"
          aria-label={ta('removeFile', { n: number })}
          onClick={() => onRemove(file.id)}
        >
          {ta('remove')}
        </button>
      </div>
    </li>
  );
}

/** A preview of a stored photo; its object URL is let go when the preview goes. */
function Thumbnail({ file }: { file: DraftFile }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    const objectUrl = URL.createObjectURL(file.blob);
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file.id]);
  return url ? (
    <img class="file-thumb" src={url} alt="" width={64} height={64} />
  ) : (
    <span class="file-thumb" />
  );
}

/**
 * A file input that looks like a button: the input lies over its visible words, transparent,
 * so a tap (or a test's click) reaches it and opens the camera or the file chooser.
 */
function FileButton({
  label,
  name,
  accept,
  capture,
  isMultiple = false,
  isSecondary = false,
  describedBy,
  onFiles,
}: {
  label: string;
  /** The accessible name: starts with the visible words. */
  name: string;
  accept: string;
  capture?: 'environment';
  isMultiple?: boolean;
  isSecondary?: boolean;
  describedBy?: string | undefined;
  onFiles: (files: File[]) => void;
}) {
  return (
    <span class={isSecondary ? 'file-button secondary' : 'file-button'}>
      <input
        type="file"
        accept={accept}
        {...(capture ? { capture } : {})}
        multiple={isMultiple}
        aria-label={name}
        aria-describedby={describedBy}
        onChange={(event) => {
          const input = event.currentTarget;
          const chosen = Array.from(input.files ?? []);
          input.value = ''; // the same file can be chosen again
          if (chosen.length > 0) onFiles(chosen);
        }}
      />
      <span aria-hidden="true">{label}</span>
    </span>
  );
}

function uploadLabel(file: DraftFile): string {
  const progress = uploadProgress.value.get(file.id);
  if (progress !== undefined) return ta('uploading', { percent: Math.round(progress * 100) });
  if (file.serverStatus === 'available') return ta('uploadAccepted');
  if (file.serverStatus === 'rejected') {
    return ta('uploadRefused', { reason: file.rejectReason ?? '' });
  }
  if (file.upload === 'refused') return ta('uploadRefused', { reason: file.refusal ?? '' });
  if (file.upload === 'done') return ta('uploadDone');
  if (file.upload === 'failed') return ta('uploadFailed');
  return ta('uploadWaiting');
}
