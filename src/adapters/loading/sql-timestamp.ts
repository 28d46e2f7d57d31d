/** A moment as the text of a SQL timestamp literal: UTC, ISO 8601 with a space for the `T` and no zone. */
export function sqlTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}
