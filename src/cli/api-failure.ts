/**
 * A call to the API that did not succeed: the server's error code and message (or `unreachable`). The CLI
 * prints it as one line and exits 1. In a module that imports nothing, so the CLI's error handler can
 * recognise it without loading the client.
 */
export class ApiFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}
