/**
 * Structured logging (pino): one JSON object per line, cheap enough for hot paths.
 */
import { pino, type Logger } from 'pino'

export type { Logger }

/** Creates the process logger at `level`. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'collab' } })
}
