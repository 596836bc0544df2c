import type { ComponentChildren } from 'preact';
import { ta } from './messages';

/** The box above a form that counts its errors and lists them; focused when it appears. */
export function ErrorSummary({
  refTo,
  count,
  children,
}: {
  refTo: { current: HTMLDivElement | null };
  count: number;
  /** The list of errors. */
  children: ComponentChildren;
}) {
  return (
    <div
      ref={refTo}
      class="error-summary"
      role="region"
      tabIndex={-1}
      aria-labelledby="error-summary-title"
    >
      <h2 id="error-summary-title">{ta('summaryTitle', { count })}</h2>
      {children}
    </div>
  );
}

/** An error's words as a link to its field (the control's id), brought into view. */
export function ErrorLink({ target, children }: { target: string; children: ComponentChildren }) {
  return (
    <a
      href={`#${target}`}
      onClick={(event) => {
        event.preventDefault();
        const element = document.getElementById(target);
        element?.focus();
        element?.closest('.field, .document-slot')?.scrollIntoView({ block: 'center' });
      }}
    >
      {children}
    </a>
  );
}
