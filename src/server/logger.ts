/**
 * The process logger. Requests are logged without their credentials: the Authorization header, the
 * dashboard's cookie and a login URL's `?token=` never reach a log.
 */
import pino, { type Logger } from 'pino';

interface LoggedRequest {
  method?: string;
  url?: string;
  id?: string;
}

export function redactTokenInUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    serializers: {
      req: (request: LoggedRequest) => ({
        id: request.id,
        method: request.method,
        url: request.url ? redactTokenInUrl(request.url) : request.url,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
