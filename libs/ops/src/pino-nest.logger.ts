import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import type { Level, Logger } from 'pino';

/** The process's root pino logger (see `createRootLogger`). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Nest's logger interface over the root pino logger: Nest passes the context (the class name given
 * to `new Logger(...)`) as the last argument; it becomes the `context` field. Written here rather
 * than taken from nestjs-pino because that library's logger reads the request scope from
 * AsyncLocalStorage (see `createRootLogger` for why we do without); the argument handling mirrors
 * nestjs-pino's `Logger`, including Nest's exception handlers' `(message, stack)` call.
 */
@Injectable()
export class PinoNestLogger implements LoggerService {
  constructor(@Inject(ROOT_LOGGER) private readonly root: Logger) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.call('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.call('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.call('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.call('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.call('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.call('fatal', message, params);
  }

  private call(level: Level, message: unknown, params: unknown[]): void {
    if (!this.root.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let rest = params;
    if (params.length > 0) {
      fields.context = params[params.length - 1];
      rest = params.slice(0, -1);
    }
    if (message instanceof Error) {
      fields.err = message;
      this.root[level](fields, ...(rest as []));
    } else if (typeof message === 'object' && message !== null) {
      this.root[level](Object.assign(fields, message), ...(rest as []));
    } else if (
      level === 'error' &&
      typeof message === 'string' &&
      rest.length === 1 &&
      typeof rest[0] === 'string' &&
      /\n\s*at /.test(rest[0])
    ) {
      // Nest's exception handlers call error(message, stack, context).
      const err = new Error(message);
      err.stack = rest[0];
      fields.err = err;
      this.root[level](fields);
    } else {
      this.root[level](fields, String(message), ...(rest as []));
    }
  }
}
