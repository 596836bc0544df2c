/** Where a multi-step action stands: what it is doing now, or why it stopped. */
export type Task =
  | { status: 'idle' }
  | { status: 'working'; message: string }
  | { status: 'failed'; message: string };

/** Both live regions stay mounted so that each change is announced. */
export function Progress({ task }: { task: Task }) {
  return (
    <>
      <p class={task.status === 'working' ? 'task-progress' : 'visually-hidden'} role="status">
        {task.status === 'working' && task.message}
      </p>
      <p class={task.status === 'failed' ? 'task-error' : 'visually-hidden'} role="alert">
        {task.status === 'failed' && task.message}
      </p>
    </>
  );
}
