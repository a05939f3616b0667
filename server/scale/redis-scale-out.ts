/**
 * Scale-out: `REDIS_URL` joins several server processes into one through
 * `@hocuspocus/extension-redis` (v4.7). Each process relays the document updates and awareness
 * (cursors) of its own clients over Redis pub/sub and answers the other processes' sync requests.
 *
 * Why this is sound with our storage (see README "Scale-out"):
 * - Updates arriving over Redis carry a `redis` transaction origin, which Hocuspocus's
 *   `shouldSkipStoreHooks` marks and our persistence skips: every update is appended to the store
 *   once, by the process its author is connected to, before that author's acknowledgement.
 * - Compaction merges what is stored inside the write transaction (`fold-snapshot.ts`), so a
 *   process that has not received everything (Redis lag, outage, hocuspocus#1151-style partial
 *   state) can never replace the stored document with less.
 * - v4.7 answers a sync request on the requester's private reply channel instead of the document
 *   channel, the fix for #1151 (instances behind the requester applying a foreign delete set).
 */
import { Redis } from '@hocuspocus/extension-redis'
import { OutgoingMessage } from '@hocuspocus/server'
import type { Logger } from '../log.ts'

/** The Redis extension plus what the server needs around it. */
export interface RedisScaleOut {
  readonly extension: Redis
  /** This process's identifier on the Redis channels. */
  readonly identifier: string
  /** Resolves when Redis answers a PING within `timeoutMs`; rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>
  /** Disconnects from Redis. */
  close(): Promise<void>
}

/** Connects to `url`; keys and channels start with `prefix`. */
export function redisScaleOut(url: string, prefix: string, log: Logger): RedisScaleOut {
  const parsed = new URL(url)
  const identifier = `collab-${process.pid}-${Math.random().toString(36).slice(2, 10)}`
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0
  const extension = new Redis({
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    prefix,
    identifier,
    options: {
      username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
      password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
      db: Number.isInteger(db) ? db : 0,
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
      // Keep reconnecting while Redis is down (restart, failover); capped so recovery is quick.
      retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
    },
  })
  let reachable = true
  let resyncTimer: NodeJS.Timeout | undefined
  // After an outage, nothing published meanwhile arrived anywhere. One SyncStep1 per open document
  // heals both directions: each peer answers with what we lack and its own SyncStep1, which we
  // answer in turn. Without it, a document nobody edits after the outage would stay diverged.
  const resync = () => {
    const instance = extension.instance as typeof extension.instance | undefined
    if (!instance) return
    for (const [name, document] of instance.documents) {
      const message = new OutgoingMessage(name).createSyncMessage().writeFirstSyncStepFor(document).toUint8Array()
      // The extension's document channel is `${prefix}:${name}` and its frames start with our identifier.
      extension.pub.publish(`${prefix}:${name}`, Buffer.concat([extension.messagePrefix, Buffer.from(message)])).catch((error: unknown) => {
        log.warn({ err: error instanceof Error ? error.message : String(error), document: name }, 'redis resync publish failed')
      })
    }
    log.info({ documents: instance.documents.size }, 'redis resync: state vectors published for open documents')
  }
  for (const [role, client] of [['publisher', extension.pub], ['subscriber', extension.sub]] as const) {
    client.on('error', (error: Error) => {
      if (reachable) log.error({ err: error.message, role }, 'redis unreachable; other instances do not see this one\'s edits until it is back')
      reachable = false
    })
    client.on('ready', () => {
      if (!reachable) log.info({ role }, 'redis reachable again')
      reachable = true
    })
  }
  let subscriberWasDown = false
  extension.sub.on('close', () => (subscriberWasDown = true))
  extension.sub.on('ready', () => {
    if (!subscriberWasDown) return
    subscriberWasDown = false
    // ioredis resubscribes on reconnect; give the other instances a moment to do the same.
    clearTimeout(resyncTimer)
    resyncTimer = setTimeout(resync, 300)
  })
  return {
    extension,
    identifier,
    async ping(timeoutMs = 2_000) {
      if (extension.pub.status !== 'ready') throw new Error(`redis connection is ${extension.pub.status}`)
      let timer: NodeJS.Timeout | undefined
      try {
        await Promise.race([
          extension.pub.ping(),
          new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`redis did not answer PING in ${timeoutMs} ms`)), timeoutMs))),
        ])
      } finally {
        clearTimeout(timer)
      }
    },
    async close() {
      clearTimeout(resyncTimer)
      await extension.onDestroy().catch(() => undefined)
    },
  }
}
