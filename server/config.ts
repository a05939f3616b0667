/**
 * Server configuration, read once from the environment and validated, so a typo fails at start
 * with a sentence instead of misbehaving later.
 */
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseAllowedOrigins } from './http/origin-policy.ts'
import { readChannelLimits, type ChannelLimits } from './limits/channel-limits.ts'

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
  /** Quiet time after edits before an automatic version is saved. `VERSION_SETTLE_MS`, default 30 s. */
  versionSettleMs: number
  /** Least time between automatic versions of one document. `VERSION_MIN_INTERVAL_MS`, default 5 min. */
  versionMinIntervalMs: number
  /** Quiet time before a `document.changed` webhook is sent. `WEBHOOK_DEBOUNCE_MS`, default 2 s. */
  webhookDebounceMs: number
  /** Delays before each webhook retry, ms. `WEBHOOK_RETRY_DELAYS_MS` (comma-separated), default 1s,5s,30s,2min,10min. */
  webhookRetryDelaysMs: number[]
  /**
   * PostgreSQL URL for the history, change log and webhook tables. `HISTORY_DATABASE_URL`, else
   * `DATABASE_URL`; unset: `DATA_DIR/history.sqlite`.
   */
  historyDatabaseUrl: string | undefined
  /** Whether webhooks may call loopback/private addresses. `WEBHOOK_ALLOW_PRIVATE`, default true; set false on shared servers. */
  webhookAllowPrivate: boolean
  /**
   * Open HTTP fallback sessions per client address. `HTTP_SESSIONS_PER_ADDRESS`, default 256: the
   * fallback serves people behind proxies, and a whole office can share one address.
   */
  httpSessionsPerAddress: number
  /** Rate limits, decode bounds, pre-authentication caps and auth timeout (README "Security"). */
  channelLimits: ChannelLimits
  /** Browser origins allowed to open connections besides the server's own host. `ALLOWED_ORIGINS`, comma-separated, default none. */
  allowedOrigins: string[]
  /** Whether loopback origins (any port) are allowed too. `ALLOW_LOOPBACK_ORIGINS`, default true (the Vite dev server). */
  allowLoopbackOrigins: boolean
  /** Lifetime of a sign-in session (cookie and database row), seconds. `SESSION_MAX_AGE_S`, default 30 days. */
  sessionMaxAgeSeconds: number
  /** Lifetime of a WebSocket/API token minted from a session, seconds. `SESSION_TOKEN_TTL_S`, default 600 (10 min). */
  sessionTokenTtlSeconds: number
  /** Whether anyone may register an account. `ALLOW_REGISTRATION`, default true. */
  allowRegistration: boolean
  /**
   * External identity provider: tokens with issuer `AUTH_ISSUER` and audience `AUTH_AUDIENCE`,
   * verified with the JWKS at `AUTH_JWKS_URL` (or, without one, HS256 with `AUTH_SECRET`).
   * `undefined` unless `AUTH_ISSUER` is set.
   */
  externalIdentity: { jwksUrl?: string; issuer: string; audience: string } | undefined
  /**
   * PostgreSQL URL for documents (`postgres://` or `postgresql://`). `DATABASE_URL`; unset: the
   * SQLite file in `dataDir`. Required for several instances (they must share one store).
   */
  databaseUrl: string | undefined
  /** Redis URL (`redis://` or `rediss://`) that joins several instances into one. `REDIS_URL`; unset: one instance. */
  redisUrl: string | undefined
  /** Prefix of every Redis key and channel, so deployments can share a Redis. `REDIS_PREFIX`, default `collab`. */
  redisPrefix: string
  /** Fold a document's update log into a snapshot after this many appends. `STORE_COMPACT_AFTER_UPDATES`, default 500. */
  compactAfterUpdates: number
  /**
   * Least time between the starts of two store commits, ms: changes arriving meanwhile share the
   * next commit (and its fsync). `STORE_COMMIT_INTERVAL_MS`, default 3.
   */
  storeCommitIntervalMs: number
  /**
   * Longest a graceful stop (SIGTERM/SIGINT) waits for pending writes before exiting with code 1
   * (the store is down; those changes were never acknowledged, so clients still hold them).
   * `SHUTDOWN_TIMEOUT_MS`, default 30 s.
   */
  shutdownTimeoutMs: number
  /**
   * Whether WebSocket acknowledgements wait until the change is on disk (DUR2). `DURABLE_ACK`,
   * default true. A benchmarking switch only, to measure what durability costs: `false` sends
   * acknowledgements as soon as the change is in memory, so "saved" no longer means on disk.
   */
  durableAck: boolean
  /** Write broadcasts to many readers on two threads (fanout-thread.ts); default: when there are two cores or more. */
  fanoutThread: boolean
}

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** Thrown for an environment variable that does not parse; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Reads and validates the configuration from `env` (defaults to `process.env`). */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const maxMessageBytes = readInteger(env, 'MAX_MESSAGE_BYTES', 4 * 1024 * 1024, 1024, 256 * 1024 * 1024)
  return {
    port: readInteger(env, 'PORT', 1234, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    authSecret: readSecret(env),
    devTokens: readBoolean(env, 'DEV_TOKENS', true),
    maxMessageBytes,
    clientDir: path.resolve(env.CLIENT_DIR || path.join(repositoryRoot, 'dist', 'client')),
    logLevel: env.LOG_LEVEL || 'info',
    versionSettleMs: readInteger(env, 'VERSION_SETTLE_MS', 30_000, 0, 86_400_000),
    versionMinIntervalMs: readInteger(env, 'VERSION_MIN_INTERVAL_MS', 300_000, 0, 86_400_000),
    webhookDebounceMs: readInteger(env, 'WEBHOOK_DEBOUNCE_MS', 2_000, 0, 3_600_000),
    webhookRetryDelaysMs: readDelays(env, 'WEBHOOK_RETRY_DELAYS_MS', [1_000, 5_000, 30_000, 120_000, 600_000]),
    historyDatabaseUrl: env.HISTORY_DATABASE_URL || env.DATABASE_URL || undefined,
    webhookAllowPrivate: readBoolean(env, 'WEBHOOK_ALLOW_PRIVATE', true),
    httpSessionsPerAddress: readInteger(env, 'HTTP_SESSIONS_PER_ADDRESS', 256, 1, 1_000_000),
    channelLimits: readChannelLimits((name, fallback, min, max) => readInteger(env, name, fallback, min, max), maxMessageBytes),
    allowedOrigins: readOrigins(env),
    allowLoopbackOrigins: readBoolean(env, 'ALLOW_LOOPBACK_ORIGINS', true),
    sessionMaxAgeSeconds: readInteger(env, 'SESSION_MAX_AGE_S', 30 * 86_400, 60, 365 * 86_400),
    sessionTokenTtlSeconds: readInteger(env, 'SESSION_TOKEN_TTL_S', 600, 3, 86_400),
    allowRegistration: readBoolean(env, 'ALLOW_REGISTRATION', true),
    externalIdentity: readExternalIdentity(env),
    databaseUrl: readUrl(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    redisUrl: readUrl(env, 'REDIS_URL', ['redis:', 'rediss:']),
    redisPrefix: readPrefix(env, 'REDIS_PREFIX', 'collab'),
    compactAfterUpdates: readInteger(env, 'STORE_COMPACT_AFTER_UPDATES', 500, 1, 1_000_000),
    storeCommitIntervalMs: readInteger(env, 'STORE_COMMIT_INTERVAL_MS', 3, 0, 1_000),
    shutdownTimeoutMs: readInteger(env, 'SHUTDOWN_TIMEOUT_MS', 30_000, 100, 3_600_000),
    durableAck: readBoolean(env, 'DURABLE_ACK', true),
    fanoutThread: readBoolean(env, 'FANOUT_THREAD', os.availableParallelism() > 1),
  }
}

function readExternalIdentity(env: Record<string, string | undefined>): ServerConfig['externalIdentity'] {
  const jwksUrl = env.AUTH_JWKS_URL || undefined
  const issuer = env.AUTH_ISSUER || undefined
  const audience = env.AUTH_AUDIENCE || undefined
  if (!jwksUrl && !issuer && !audience) return undefined
  if (!issuer || !audience) throw new ConfigError('external identity needs both AUTH_ISSUER and AUTH_AUDIENCE (with AUTH_JWKS_URL, or AUTH_SECRET for HS256)')
  if (jwksUrl) {
    let url: URL
    try {
      url = new URL(jwksUrl)
    } catch {
      throw new ConfigError(`AUTH_JWKS_URL must be an absolute URL, got "${jwksUrl}"`)
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('AUTH_JWKS_URL must be http(s)')
  } else if (!env.AUTH_SECRET) {
    throw new ConfigError('AUTH_ISSUER without AUTH_JWKS_URL verifies HS256 tokens with AUTH_SECRET: set AUTH_SECRET too')
  }
  return { ...(jwksUrl && { jwksUrl }), issuer, audience }
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

function readDelays(env: Record<string, string | undefined>, name: string, fallback: number[]): number[] {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const delays = raw.split(',').map((part) => Number(part.trim()))
  if (delays.length > 20 || delays.some((delay) => !Number.isInteger(delay) || delay < 0 || delay > 86_400_000)) {
    throw new ConfigError(`${name} must be up to 20 comma-separated delays in ms (0 to 86400000), got "${raw}"`)
  }
  return delays
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

function readOrigins(env: Record<string, string | undefined>): string[] {
  try {
    return parseAllowedOrigins(env.ALLOWED_ORIGINS)
  } catch (error) {
    throw new ConfigError(`ALLOWED_ORIGINS: ${(error as Error).message}`)
  }
}

function readUrl(env: Record<string, string | undefined>, name: string, protocols: readonly string[]): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(`${name} must be a URL like ${protocols[0]}//host:port/..., got "${redact(raw)}"`)
  }
  if (!protocols.includes(url.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.map((p) => `${p}//`).join(' or ')}, got "${redact(raw)}"`)
  }
  if (!url.hostname) throw new ConfigError(`${name} has no host: "${redact(raw)}"`)
  return raw
}

function readPrefix(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(raw)) throw new ConfigError(`${name} must be 1-64 characters of A-Z a-z 0-9 _ . : -, got "${raw}"`)
  return raw
}

/** Hides a password in a URL quoted in an error message. */
function redact(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@')
}
