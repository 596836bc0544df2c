// The document slots of a form, as the application form, the answer to a supplement request and
// the desk's intake all fill them: files chosen for a slot are checked (type, the slot's maximum)
// and stored one at a time, since photos are compressed on the device; each slot tells what it
// is waiting for and what went wrong; the slots' errors keep in step with the files.
import { type Dispatch, type StateUpdater, useEffect, useRef, useState } from 'preact/hooks';
import type { DocumentSlot } from '../../api/types';
import { attachFile, attachSupplementFile, detachFile, type FileHolder } from '../../sync/uploads';
import {
  DEFAULT_MAX_FILES,
  errorsByField,
  type FieldErrors,
  filesBySlot,
  followFiles,
  isAcceptedFile,
  slotErrorField,
  slotErrors,
} from './application';
import type { DraftFile } from './DocumentSlotField';
import { ta } from './messages';

/**
 * How the slots' errors follow the files. `follow-shown`: the errors already on slots follow
 * each new reading of the files (the application form, whose errors appear on submit).
 * `show-afresh`: once the files change, every slot shows its errors afresh (the answer to a
 * supplement request, which has only slots). `clear-on-choice`: a slot's error goes when files
 * are chosen for it (the desk's intake). The first two wait for the files to change after their
 * first reading: the server's word on them stands until then.
 */
export type SlotErrorsRule = 'follow-shown' | 'show-afresh' | 'clear-on-choice';

interface Options {
  /** What the files are attached to: a draft (the intake's too), or a dossier's answer. */
  holder: FileHolder;
  slots: DocumentSlot[];
  /** The files stored so far; undefined until they are read. */
  files: DraftFile[] | undefined;
  /** Runs before the first file of each choice is stored; if it fails, that file fails. */
  prepare?: () => Promise<void>;
  /** The form's errors, of which the slots' follow the files by `rule`. */
  setErrors: Dispatch<StateUpdater<FieldErrors>>;
  rule: SlotErrorsRule;
}

/** The files of a form's document slots, what they wait for, and the ways to change them. */
export interface SlotFiles {
  /** The key of the photos' compression progress: the holder's id. */
  progressKey: string;
  /** Each slot's stored files, oldest first. */
  filesOfSlot: Map<string, DraftFile[]>;
  /** By slot key: a problem with the files just chosen. */
  notices: Record<string, string>;
  /** By slot key: files chosen and not stored yet. */
  waitingFiles: Record<string, number>;
  /** The slot whose photos are being compressed now (one at a time, across slots). */
  compressingSlot: string | undefined;
  attach: (slot: DocumentSlot, chosen: File[], replaces?: string) => void;
  remove: (attachmentId: string) => void;
  /** Settles once every file chosen so far is stored (or has failed). */
  allStored: () => Promise<void>;
}

export function useDocumentSlots(options: Options): SlotFiles {
  const { holder, slots, files, prepare, setErrors, rule } = options;
  const filesOfSlot = filesBySlot(slots, files ?? []);
  // Chosen files wait in one queue: photos are compressed one at a time.
  const attachQueue = useRef<Promise<void>>(Promise.resolve());
  const [waitingFiles, setWaitingFiles] = useState<Record<string, number>>({});
  const [compressingSlot, setCompressingSlot] = useState<string>();
  const [notices, setNotices] = useState<Record<string, string>>({});

  const filesSeen = useRef<string>();
  useEffect(() => {
    if (!files || rule === 'clear-on-choice') return;
    const signature = files.map((file) => `${file.id}:${file.isRefused}`).join();
    const isFirst = filesSeen.current === undefined;
    const isChanged = filesSeen.current !== signature;
    filesSeen.current = signature;
    if (isFirst) return;
    if (rule === 'follow-shown') setErrors((shown) => followFiles(shown, slots, files));
    else if (isChanged) setErrors(errorsByField(slotErrors(slots, files)));
  }, [files, slots]);

  function countWaiting(slotKey: string, change: number) {
    setWaitingFiles((waiting) => ({ ...waiting, [slotKey]: (waiting[slotKey] ?? 0) + change }));
  }

  function showNotice(slotKey: string, notice: string | undefined) {
    setNotices(({ [slotKey]: _, ...rest }) => (notice ? { ...rest, [slotKey]: notice } : rest));
  }

  function clearError(field: string) {
    setErrors((shown) => {
      if (!shown[field]) return shown;
      const { [field]: _, ...rest } = shown;
      return rest;
    });
  }

  function store(file: File, slotKey: string, options: { replaces?: string }) {
    return 'draftId' in holder
      ? attachFile(holder.draftId, file, slotKey, options)
      : attachSupplementFile(holder.dossierId, file, slotKey, options);
  }

  function attach(slot: DocumentSlot, chosen: File[], replaces?: string) {
    const max = slot.maxFiles ?? DEFAULT_MAX_FILES;
    const held = (filesOfSlot.get(slot.key) ?? []).length + (waitingFiles[slot.key] ?? 0);
    const accepted = chosen.filter((file) => isAcceptedFile(file.type));
    const wrongType = chosen.find((file) => !isAcceptedFile(file.type));
    const taken = replaces ? accepted.slice(0, 1) : accepted.slice(0, Math.max(max - held, 0));
    let notice = wrongType ? ta('fileTypeRefused', { file: wrongType.name }) : undefined;
    if (taken.length < accepted.length) notice = ta('filesSkipped', { max });
    showNotice(slot.key, notice);
    if (taken.length === 0) return;
    if (rule === 'clear-on-choice') clearError(slotErrorField(slot.key));
    countWaiting(slot.key, taken.length);
    attachQueue.current = attachQueue.current.then(async () => {
      setCompressingSlot(slot.key);
      for (const [index, file] of taken.entries()) {
        try {
          if (index === 0 && prepare) await prepare();
          await store(file, slot.key, replaces ? { replaces } : {});
        } catch (error) {
          const reason = error instanceof Error ? error.message : '?';
          showNotice(slot.key, ta('attachFailed', { file: file.name, reason }));
        } finally {
          countWaiting(slot.key, -1);
        }
      }
      setCompressingSlot(undefined);
    });
  }

  return {
    progressKey: 'draftId' in holder ? holder.draftId : holder.dossierId,
    filesOfSlot,
    notices,
    waitingFiles,
    compressingSlot,
    attach,
    remove: (attachmentId) => void detachFile(attachmentId),
    allStored: () => attachQueue.current,
  };
}
