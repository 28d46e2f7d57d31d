/**
 * An error the stand-in raises as if Redshift had: its message becomes the statement's
 * `Error` text (`ERROR: <message>`), with `Position` (1-based, in the SQL as sent) when known.
 */
export class SqlError extends Error {
  readonly offset: number | undefined;

  constructor(message: string, offset?: number) {
    super(message);
    this.name = 'SqlError';
    this.offset = offset;
  }
}
