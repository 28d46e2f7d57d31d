/** Helpers for reading `--log-format json` output and the timings in run_results.json. */

export interface JsonEvent {
  ts: string;
  event: string;
  [key: string]: unknown;
}

/** Parses every non-empty line as JSON; throws, naming the line, when one is not. */
export function parseJsonLines(text: string): JsonEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as JsonEvent;
      } catch {
        throw new Error(`line ${i + 1} is not JSON: ${line}`);
      }
    });
}

/** The most nodes between node_started and node_finished at once, in event order. */
export function maxInFlight(events: readonly JsonEvent[]): number {
  const running = new Set<string>();
  let max = 0;
  for (const event of events) {
    if (event.event === 'node_started') {
      running.add(event.uniqueId as string);
      max = Math.max(max, running.size);
    } else if (event.event === 'node_finished') {
      running.delete((event.result as { uniqueId: string }).uniqueId);
    }
  }
  return max;
}

/** The most [startedAt, completedAt) intervals that strictly overlap at one instant. */
export function maxOverlap(intervals: readonly { startedAt: string; completedAt: string }[]): number {
  const points = intervals.flatMap((r) => [
    { at: Date.parse(r.startedAt), delta: 1 },
    { at: Date.parse(r.completedAt), delta: -1 },
  ]);
  // at equal instants, ends come before starts: touching intervals do not overlap
  points.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const point of points) {
    current += point.delta;
    max = Math.max(max, current);
  }
  return max;
}
