import { pino } from 'pino';
import type { DestinationStream } from 'pino';
import type { Logger } from '@sentinel-kit/core';

/** Keys whose values are never written to a log line. */
const REDACT = ['password', 'secret', 'token', 'authorization', 'auth', '*.password', '*.secret', '*.token', '*.authorization'];

/** A pino-backed logger implementing the core `Logger` port. */
export function createPinoLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger & { flush(): void } {
  const base = pino(
    {
      level: options.level ?? 'info',
      base: { service: 'sentinel-kit' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label: string) => ({ level: label }) },
    },
    (options.destination ?? process.stdout) as DestinationStream,
  );
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string, fields?: Record<string, unknown>) => {
    if (fields === undefined) base[level](message);
    else base[level](fields, message);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), flush: () => base.flush() };
}
