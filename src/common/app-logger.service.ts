import { Injectable, LoggerService } from '@nestjs/common';
import { pino, type Logger as Pino } from 'pino';
import { AppConfig } from '../config/app-config.js';

/** Nest's own start-up chatter: module initialisation and one line per mapped route. */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
]);

/**
 * The app's one logger: JSON lines through pino at LOG_LEVEL, each with the Nest context that wrote it.
 * Nest's start-up chatter goes to debug, so the info log stays readable. No per-request child logger
 * and no AsyncLocalStorage: those tax every request (and every promise); the request log line carries
 * the request id instead.
 */
@Injectable()
export class AppLogger implements LoggerService {
  readonly pino: Pino;

  constructor(config: AppConfig) {
    this.pino = pino({ level: config.logLevel, base: { pid: process.pid } });
  }

  log(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    if (context !== undefined && FRAMEWORK_CONTEXTS.has(context)) {
      this.pino.debug({ context }, String(message));
    } else {
      this.pino.info({ context }, String(message));
    }
  }

  /** Nest calls `error(message, stack?, context?)`. */
  error(message: unknown, ...params: unknown[]): void {
    const context = contextOf(params);
    const stack = params.length > 1 && typeof params[0] === 'string' ? params[0] : undefined;
    this.pino.error({ context, stack }, errorText(message));
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.pino.warn({ context: contextOf(params) }, String(message));
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.pino.debug({ context: contextOf(params) }, String(message));
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.pino.trace({ context: contextOf(params) }, String(message));
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.pino.fatal({ context: contextOf(params) }, String(message));
  }
}

/** Nest passes the context as the last argument. */
function contextOf(params: unknown[]): string | undefined {
  const last = params.at(-1);
  return typeof last === 'string' ? last : undefined;
}

function errorText(message: unknown): string {
  return message instanceof Error ? (message.stack ?? message.message) : String(message);
}
