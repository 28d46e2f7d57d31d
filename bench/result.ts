export interface BenchResult {
  measure: string;
  value: number;
  unit: string;
  baselineLabel: string;
  baseline: number;
  /** value / baseline */
  ratio: number;
  target: string;
  met: boolean;
  details?: Record<string, number | string>;
}

export function result(measure: string, value: number, unit: string, baselineLabel: string, baseline: number, target: string, met: boolean, details?: BenchResult['details']): BenchResult {
  return { measure, value: round(value), unit, baselineLabel, baseline: round(baseline), ratio: Math.round((value / baseline) * 1000) / 1000, target, met, ...(details ? { details } : {}) };
}

export function round(value: number): number {
  return Math.round(value * 10) / 10;
}
