import type { BlobRow } from '../../db/account-db';
import type { AttachmentRecord } from '../../sync/protocol';
import { uploadProgress } from '../../sync/uploads';
import type { DeviceView } from './device-records';
import { tm } from './messages';

function fileState(blob: BlobRow | undefined, server: AttachmentRecord | undefined): string {
  const progress = blob && uploadProgress.value.get(blob.id);
  if (progress !== undefined && progress !== null) {
    return tm('fileUploading', { percent: Math.round(progress * 100) });
  }
  if (server?.status === 'available' || blob?.upload === 'done') return tm('fileDone');
  if (server?.status === 'rejected' || blob?.upload === 'refused') return tm('fileRefused');
  if (blob?.upload === 'failed') return tm('fileFailed');
  return tm('fileWaiting');
}

/** The files of a dossier (or of an answer on its way), each with its upload state. */
export function DocumentList({
  documents,
  view,
  heading,
  headingId,
}: {
  documents: Record<string, string[]>;
  view: DeviceView;
  heading: string;
  headingId: string;
}) {
  const ids = Object.values(documents).flat();
  if (ids.length === 0) return null;
  return (
    <section aria-labelledby={headingId}>
      <h2 id={headingId}>{heading}</h2>
      <ul class="document-files" aria-labelledby={headingId}>
        {ids.map((attachmentId) => {
          const blob = view.blobs.find((entry) => entry.id === attachmentId);
          const progress = uploadProgress.value.get(attachmentId);
          const name = blob?.fileName ?? attachmentId.slice(-8);
          return (
            <li key={attachmentId}>
              {tm('fileProgress', {
                name,
                state: fileState(blob, view.attachments.get(attachmentId)),
              })}
              {progress !== undefined && (
                <progress max={1} value={progress} aria-label={name} />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
