/** A Data API error reply: `{"__type": type, "message": …}` with an HTTP status the SDK maps correctly. */
export class DataApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = type;
  }
}

export const validation = (message: string) => new DataApiError('ValidationException', message);
export const notFound = (message: string, resourceId?: string) =>
  new DataApiError('ResourceNotFoundException', message, 404, resourceId === undefined ? {} : { ResourceId: resourceId });
