/**
 * Configuration: the durability and scale-out variables parse, and a bad value stops the server
 * at start with a sentence naming the variable (and never echoing a password).
 */
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

describe('config', () => {
  it('[OPS1] DATABASE_URL, REDIS_URL, REDIS_PREFIX, STORE_COMPACT_AFTER_UPDATES and SHUTDOWN_TIMEOUT_MS are read and defaulted', () => {
    const defaults = loadConfig({})
    expect(defaults.databaseUrl).toBeUndefined()
    expect(defaults.redisUrl).toBeUndefined()
    expect(defaults.redisPrefix).toBe('collab')
    expect(defaults.compactAfterUpdates).toBe(500)
    expect(defaults.shutdownTimeoutMs).toBe(30_000)
    const set = loadConfig({
      DATABASE_URL: 'postgresql://app:pw@db.internal:5432/collab',
      REDIS_URL: 'rediss://cache.internal:6380/2',
      REDIS_PREFIX: 'prod:collab',
      STORE_COMPACT_AFTER_UPDATES: '50',
      SHUTDOWN_TIMEOUT_MS: '5000',
    })
    expect(set.databaseUrl).toBe('postgresql://app:pw@db.internal:5432/collab')
    expect(set.redisUrl).toBe('rediss://cache.internal:6380/2')
    expect(set.redisPrefix).toBe('prod:collab')
    expect(set.compactAfterUpdates).toBe(50)
    expect(set.shutdownTimeoutMs).toBe(5_000)
    // The history tables follow DATABASE_URL unless HISTORY_DATABASE_URL says otherwise.
    expect(set.historyDatabaseUrl).toBe(set.databaseUrl)
  })

  it.each([
    [{ DATABASE_URL: 'mysql://u:secret@h/db' }, /DATABASE_URL must start with postgres:\/\/ or postgresql:\/\//],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL must be a URL/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL must start with redis:\/\/ or rediss:\/\//],
    [{ REDIS_PREFIX: 'has spaces' }, /REDIS_PREFIX must be 1-64 characters/],
    [{ STORE_COMPACT_AFTER_UPDATES: '0' }, /STORE_COMPACT_AFTER_UPDATES must be an integer from 1/],
    [{ SHUTDOWN_TIMEOUT_MS: 'soon' }, /SHUTDOWN_TIMEOUT_MS must be an integer/],
  ])('[OPS1] refuses %o with a clear error', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(message)
  })

  it('[OPS1] a refused URL does not echo its password', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).toThrow(/user:\*\*\*@/)
    expect(() => loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' })).not.toThrow(/hunter2/)
  })
})
