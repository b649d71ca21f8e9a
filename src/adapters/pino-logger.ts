import { pino } from 'pino';
import type { LogLevel } from '../config/config.js';
import type { Logger } from '../ports/logger.js';

/** JSON lines on stdout. */
export function createPinoLogger(level: LogLevel): Logger & pino.Logger {
  return pino({ level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}
