import type { TestConfig } from '../config/index.js';

export type TestStatus = 'pass' | 'warn' | 'fail';

/**
 * dbt's rule: with severity error, the test fails when the failure count meets error_if (default != 0), else
 * warns when it meets warn_if; with severity warn it can only warn.
 */
export function testStatus(failures: number, config: TestConfig): TestStatus {
  if (config.severity === 'error' && meets(failures, config.errorIf)) return 'fail';
  if (meets(failures, config.warnIf)) return 'warn';
  return 'pass';
}

export function meets(count: number, condition: string): boolean {
  const match = /^\s*(!=|<>|>=|<=|=|==|>|<)\s*(\d+)\s*$/.exec(condition);
  if (!match) return count !== 0;
  const value = Number(match[2]);
  switch (match[1]) {
    case '>':
      return count > value;
    case '>=':
      return count >= value;
    case '<':
      return count < value;
    case '<=':
      return count <= value;
    case '=':
    case '==':
      return count === value;
    default:
      return count !== value;
  }
}

export function isValidCondition(condition: string): boolean {
  return /^\s*(!=|<>|>=|<=|=|==|>|<)\s*(\d+)\s*$/.test(condition);
}
