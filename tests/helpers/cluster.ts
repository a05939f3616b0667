/**
 * Several server processes run as one: child processes sharing a private PostgreSQL schema and a
 * Redis key prefix, as instances on different machines would share a database and a Redis.
 */
import * as Y from 'yjs'
import { PostgresStore } from '../../server/storage/postgres-store.ts'
import { createTestSchema, type TestSchema } from './postgres.ts'
import { uniqueRedisPrefix } from './redis.ts'
import { spawnTestServer, type ChildServer } from './server.ts'

/** A running cluster. */
export interface Cluster {
  /** Current instance per slot (a restart replaces the slot's entry). */
  readonly instances: ChildServer[]
  readonly schema: TestSchema
  /** Stops slot `index` with `signal` (default SIGKILL) and starts a new instance in its place. */
  restart(index: number, signal?: NodeJS.Signals): Promise<ChildServer>
  /** Reads `document` straight from the shared store. */
  readStored(document: string): Promise<Y.Doc>
  /** Stops every instance (SIGTERM) and returns their exit codes; drops the schema. */
  close(): Promise<(number | null)[]>
}

/** Starts `count` instances on a fresh schema and `redisUrl` with a unique prefix. */
export async function startCluster(options: { count: number; redisUrl: string; label: string; env?: Record<string, string> }): Promise<Cluster> {
  const schema = await createTestSchema(options.label)
  const env = {
    DATABASE_URL: schema.url,
    REDIS_URL: options.redisUrl,
    REDIS_PREFIX: uniqueRedisPrefix(options.label),
    ...options.env,
  }
  const instances: ChildServer[] = []
  const all: ChildServer[] = []
  const spawn = async () => {
    const instance = await spawnTestServer(env)
    all.push(instance)
    return instance
  }
  // The first creates the schema; the rest start together.
  instances.push(await spawn())
  instances.push(...(await Promise.all(Array.from({ length: options.count - 1 }, spawn))))
  let closed = false
  return {
    instances,
    schema,
    async restart(index, signal = 'SIGKILL') {
      await instances[index]!.stop(signal)
      instances[index] = await spawn()
      return instances[index]!
    },
    async readStored(document) {
      const store = await PostgresStore.open(schema.url)
      try {
        const stored = await store.load(document)
        const doc = new Y.Doc()
        if (stored?.snapshot) Y.applyUpdate(doc, stored.snapshot)
        for (const update of stored?.updates ?? []) Y.applyUpdate(doc, update)
        return doc
      } finally {
        await store.close()
      }
    },
    async close() {
      if (closed) return []
      closed = true
      const codes = await Promise.all(instances.map((instance) => instance.stop('SIGTERM')))
      for (const instance of all) await instance.stop('SIGKILL')
      await schema.drop()
      return codes
    },
  }
}
