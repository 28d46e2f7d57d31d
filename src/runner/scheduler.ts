/**
 * Runs tasks in dependency order with at most `concurrency` at once. When a task fails, everything that
 * (transitively) waits for it is skipped; independent branches carry on.
 */
export interface SchedulerTask {
  id: string;
  waitsFor: ReadonlySet<string>;
}

export type TaskOutcome = 'ok' | 'failed';

export interface SchedulerCallbacks {
  run(id: string): Promise<TaskOutcome>;
  skip(id: string, because: string): void;
  /** Checked before each task starts; true stops scheduling new tasks. */
  stopped(): boolean;
  /** Called for tasks never started because scheduling stopped. */
  notStarted(id: string): void;
  /** Orders ready tasks (lower first). */
  priority?(id: string): number;
}

export async function schedule(tasks: readonly SchedulerTask[], concurrency: number, callbacks: SchedulerCallbacks): Promise<void> {
  const remaining = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const task of tasks) {
    remaining.set(task.id, task.waitsFor.size);
    for (const dep of task.waitsFor) dependents.set(dep, [...(dependents.get(dep) ?? []), task.id]);
  }
  const done = new Set<string>();
  const ready: string[] = tasks.filter((t) => t.waitsFor.size === 0).map((t) => t.id);
  const priority = callbacks.priority ?? (() => 0);
  let running = 0;

  const skipDescendants = (failed: string, cause: string) => {
    const stack = [...(dependents.get(failed) ?? [])];
    while (stack.length) {
      const id = stack.pop()!;
      if (done.has(id)) continue;
      done.add(id);
      callbacks.skip(id, cause);
      stack.push(...(dependents.get(id) ?? []));
    }
  };

  const started = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (callbacks.stopped()) {
        for (const task of tasks) {
          if (!done.has(task.id) && !started.has(task.id)) {
            done.add(task.id);
            callbacks.notStarted(task.id);
          }
        }
        ready.length = 0;
      }
      ready.sort((a, b) => priority(a) - priority(b));
      while (running < concurrency && ready.length) {
        const id = ready.shift()!;
        if (done.has(id)) continue;
        started.add(id);
        running++;
        callbacks
          .run(id)
          .then((outcome) => {
            running--;
            done.add(id);
            if (outcome === 'failed') skipDescendants(id, id);
            else {
              for (const next of dependents.get(id) ?? []) {
                const left = remaining.get(next)! - 1;
                remaining.set(next, left);
                if (left === 0 && !done.has(next)) ready.push(next);
              }
            }
            pump();
          })
          .catch(reject);
      }
      if (running === 0 && ready.length === 0) {
        const stuck = tasks.filter((t) => !done.has(t.id));
        if (stuck.length) reject(new Error(`scheduler stalled with ${stuck.length} tasks waiting: ${stuck.slice(0, 5).map((t) => t.id).join(', ')}`));
        else resolve();
      }
    };
    pump();
  });
}
