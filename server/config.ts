/**
 * Server configuration, read once from the environment and validated, so a typo fails at start
 * with a sentence instead of misbehaving later.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export interface ServerConfig {
  /** TCP port of the single HTTP server (client, API, WebSocket). `PORT`, default 1234; 0 picks a free port. */
  port: number
  /** Interface to bind. `HOST`, default 127.0.0.1. */
  host: string
  /** Where the SQLite database and the generated auth secret live. `DATA_DIR`, default `./data`. */
  dataDir: string
  /** HMAC secret for tokens. `AUTH_SECRET`; when unset a random one is generated once in `dataDir`. */
  authSecret: string | undefined
  /** Whether `POST /api/dev/token` mints tokens for loopback callers. `DEV_TOKENS`, default on. */
  devTokens: boolean
  /** Largest accepted WebSocket message in bytes. `MAX_MESSAGE_BYTES`, default 4 MiB. */
  maxMessageBytes: number
  /** Directory of the built client. `CLIENT_DIR`, default `dist/client` in the repository. */
  clientDir: string
  /** pino log level. `LOG_LEVEL`, default `info`. */
  logLevel: string
}

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Thrown for an environment variable that does not parse; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and validates the configuration from `env` (defaults to `process.env`). */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  return {
    port: readInteger(env, 'PORT', 1234, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    authSecret: readSecret(env),
    devTokens: readBoolean(env, 'DEV_TOKENS', true),
    maxMessageBytes: readInteger(env, 'MAX_MESSAGE_BYTES', 4 * 1024 * 1024, 1024, 256 * 1024 * 1024),
    clientDir: path.resolve(env.CLIENT_DIR || path.join(repositoryRoot, 'dist', 'client')),
    logLevel: env.LOG_LEVEL || 'info',
  }
}

function readInteger(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`)
  }
  return value
}

function readBoolean(env: Record<string, string | undefined>, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false
  throw new ConfigError(`${name} must be true or false, got "${raw}"`)
}

function readSecret(env: Record<string, string | undefined>): string | undefined {
  const raw = env.AUTH_SECRET
  if (raw === undefined || raw === '') return undefined
  if (raw.length < 32) throw new ConfigError('AUTH_SECRET must be at least 32 characters long')
  return raw
}
