import { SqlkitError } from '../errors/index.js';

/** The error a statement gets when the run was interrupted before it was sent. */
export function cancelledBeforeStart(): SqlkitError {
  return new SqlkitError('ADAPTER_CANCELLED', 'The statement was cancelled before it started.');
}

/**
 * Calls `cancel` when `signal` aborts, then again every `intervalMs` until the returned `stop` is called (when the
 * statement settles). Engines drop a cancel that arrives just before a statement starts executing (DuckDB's
 * interrupt, PostgreSQL's pg_cancel_backend on an idle backend), so one request is not enough. Calls never overlap.
 */
export function cancelWhileRunning(signal: AbortSignal | undefined, cancel: () => void | Promise<void>, intervalMs: number): () => void {
  if (!signal) return () => undefined;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const attempt = async () => {
    if (stopped) return;
    try {
      await cancel();
    } catch {
      // The next attempt may succeed; the statement settling stops the loop either way.
    }
    if (!stopped) timer = setTimeout(() => void attempt(), intervalMs);
  };
  const onAbort = () => void attempt();
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  };
}
