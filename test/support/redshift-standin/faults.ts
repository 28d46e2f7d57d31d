/** Matches a statement's SQL (as received, credentials redacted): substring, regex or predicate. */
export type StatementMatcher = string | RegExp | ((sql: string) => boolean);

export interface ThrottleOptions {
  /** How many calls fail (default 1). */
  times?: number;
  /**
   * The `__type` returned. ThrottlingException (default) is retried by the SDK; ActiveStatementsExceededException
   * is not, so callers must handle it themselves.
   */
  error?: string;
  message?: string;
}

export interface InjectedFault {
  kind: 'throttle' | 'fail' | 'slow';
  operation?: string;
  sql?: string;
}

interface StatementRule {
  match: StatementMatcher;
  remaining: number;
  message?: string;
  ms?: number;
}

export interface Faults {
  /** The next `times` calls of a Data API operation (ExecuteStatement…) or control-plane action (DescribeClusters…) fail. */
  throttle(operation: string, options?: ThrottleOptions): void;
  /** The next `times` matching statements FAIL with `ERROR: <message>`. */
  failStatement(match: StatementMatcher, message: string, options?: { times?: number }): void;
  /** The next `times` matching statements sleep `ms` in PostgreSQL before running, so they can be cancelled. */
  slowStatement(match: StatementMatcher, ms: number, options?: { times?: number }): void;
  clear(): void;
  /** Faults that fired, in order. */
  readonly injected: readonly InjectedFault[];
}

function matches(match: StatementMatcher, sql: string): boolean {
  if (typeof match === 'string') return sql.includes(match);
  if (match instanceof RegExp) return match.test(sql);
  return match(sql);
}

/** Fault injection state; the stand-in consults it on every call and statement. */
export class FaultInjector implements Faults {
  private throttles = new Map<string, Array<Required<Pick<ThrottleOptions, 'error' | 'message'>> & { remaining: number }>>();
  private failures: StatementRule[] = [];
  private delays: StatementRule[] = [];
  readonly injected: InjectedFault[] = [];

  throttle(operation: string, options: ThrottleOptions = {}): void {
    const rules = this.throttles.get(operation) ?? [];
    rules.push({ remaining: options.times ?? 1, error: options.error ?? 'ThrottlingException', message: options.message ?? 'Rate exceeded' });
    this.throttles.set(operation, rules);
  }

  failStatement(match: StatementMatcher, message: string, options: { times?: number } = {}): void {
    this.failures.push({ match, message, remaining: options.times ?? 1 });
  }

  slowStatement(match: StatementMatcher, ms: number, options: { times?: number } = {}): void {
    this.delays.push({ match, ms, remaining: options.times ?? 1 });
  }

  clear(): void {
    this.throttles.clear();
    this.failures = [];
    this.delays = [];
  }

  takeThrottle(operation: string): { error: string; message: string } | undefined {
    const rule = this.throttles.get(operation)?.find((r) => r.remaining > 0);
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.injected.push({ kind: 'throttle', operation });
    return { error: rule.error, message: rule.message };
  }

  private take(rules: StatementRule[], sql: string, kind: 'fail' | 'slow'): StatementRule | undefined {
    const rule = rules.find((r) => r.remaining > 0 && matches(r.match, sql));
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.injected.push({ kind, sql });
    return rule;
  }

  takeFailure(sql: string): string | undefined {
    return this.take(this.failures, sql, 'fail')?.message;
  }

  takeDelay(sql: string): number {
    return this.take(this.delays, sql, 'slow')?.ms ?? 0;
  }
}
