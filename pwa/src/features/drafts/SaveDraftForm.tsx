import { useState } from 'preact/hooks';
import { saveDraft } from '../../sync/drafts';
import { td } from './messages';

/** Save a draft of `procedureCode` with a note (the real application form comes later). */
export function SaveDraftForm({ procedureCode }: { procedureCode: string }) {
  const [note, setNote] = useState('');
  const [message, setMessage] = useState('');
  async function submit(event: Event) {
    event.preventDefault();
    try {
      await saveDraft(procedureCode, { note });
      setNote('');
      setMessage(td('saved'));
    } catch (error) {
      setMessage(td('saveFailed', { reason: error instanceof Error ? error.message : '?' }));
    }
  }
  return (
    <form class="draft-save" onSubmit={(event) => void submit(event)}>
      <label for="draft-note">{td('note')}</label>
      <textarea
        id="draft-note"
        name="note"
        value={note}
        onInput={(event) => setNote(event.currentTarget.value)}
      />
      <button type="submit">{td('saveDraft')}</button>
      <p role="status">{message}</p>
    </form>
  );
}
