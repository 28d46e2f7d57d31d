import type { Target } from '../engine/database-registry.js';
import { isActive } from './statement-record.js';
import type { StatementRecord, SubStatement } from './statement-record.js';

/** Statements by Id, ClientToken dedup, and listing newest first. */
export class StatementStore {
  private readonly records = new Map<string, StatementRecord>();
  private readonly tokens = new Map<string, string>();

  add(record: StatementRecord): void {
    this.records.set(record.id, record);
    if (record.clientToken !== undefined) this.tokens.set(record.clientToken, record.id);
  }

  byClientToken(token: string | undefined): StatementRecord | undefined {
    const id = token === undefined ? undefined : this.tokens.get(token);
    return id === undefined ? undefined : this.records.get(id);
  }

  /** A statement, or a batch's sub-statement for an Id `<uuid>:<k>`. */
  find(id: string): { record: StatementRecord; sub?: SubStatement } | undefined {
    const [parentId = '', index] = id.split(':');
    const record = this.records.get(parentId);
    if (!record) return undefined;
    if (index === undefined) return { record };
    const sub = record.isBatch ? record.subs[Number(index) - 1] : undefined;
    return sub ? { record, sub } : undefined;
  }

  newestFirst(): StatementRecord[] {
    return [...this.records.values()].reverse();
  }

  activeCount(target: Target): number {
    let count = 0;
    for (const record of this.records.values()) {
      if (isActive(record) && record.target.kind === target.kind && record.target.name === target.name) count += 1;
    }
    return count;
  }

  all(): StatementRecord[] {
    return [...this.records.values()];
  }
}
