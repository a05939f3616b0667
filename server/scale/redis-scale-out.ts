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
 *
 * Access changes (revocations, role changes) travel on a channel of their own, so every instance
 * re-checks its connections (`redis-access-changes.ts`), and failed sign-ins are counted in Redis
 * for all instances together (`redis-sign-in-throttle.ts`).
 */
import { Redis } from '@hocuspocus/extension-redis'
import { OutgoingMessage, type afterLoadDocumentPayload, type afterUnloadDocumentPayload, type Document } from '@hocuspocus/server'
import { Redis as RedisClient, type RedisOptions } from 'ioredis'
import type { Logger } from '../log.ts'
import { redisAccessChanges, type RedisAccessChanges } from './redis-access-changes.ts'
import { RedisSignInThrottle } from './redis-sign-in-throttle.ts'

/** The Redis extension plus what the server needs around it. */
export interface RedisScaleOut {
  readonly extension: Redis
  /** This process's identifier on the Redis channels. */
  readonly identifier: string
  /** Access changes shared with the other instances (revocation reaches their connections). */
  readonly accessChanges: RedisAccessChanges
  /** Failed sign-ins counted for all instances together. */
  readonly signInThrottle: RedisSignInThrottle
  /** Resolves when Redis answers a PING within `timeoutMs`; rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>
  /**
   * Resolves once Redis answers, or rejects after `timeoutMs`. Awaited at start: the extension
   * subscribes its reply channel once, at construction, and a subscription that failed then
   * would break every document load for the life of the process.
   */
  connected(timeoutMs?: number): Promise<void>
  /** Disconnects from Redis. */
  close(): Promise<void>
}

/**
 * The extension, able to open documents while Redis is down. Its `afterLoadDocument` subscribes
 * and asks peers for their state over Redis, which fails after the client's retries when Redis is
 * unreachable: no document could be opened during an outage. Here a document loaded then is
 * served from the store alone (as on a single instance) and joins the others when Redis is back.
 */
class DegradableRedis extends Redis {
  /** Documents loaded while Redis was unreachable, to subscribe once it is back. */
  readonly unsubscribed = new Set<string>()

  get reachable(): boolean {
    return this.pub.status === 'ready' && this.sub.status === 'ready'
  }

  override async afterLoadDocument(payload: afterLoadDocumentPayload): Promise<void> {
    if (this.reachable) return super.afterLoadDocument(payload)
    // What the base hook does first, so messages reach the document once subscribed.
    ;(this as unknown as { documents: Map<string, Document> }).documents.set(payload.documentName, payload.document)
    this.unsubscribed.add(payload.documentName)
  }

  /** The extension's channel for `documentName` (its private `getKey`). */
  documentChannel(documentName: string): string {
    return `${this.configuration.prefix}:${documentName}`
  }

  override async afterUnloadDocument(payload: afterUnloadDocumentPayload): Promise<void> {
    if (!payload.instance.documents.has(payload.documentName)) this.unsubscribed.delete(payload.documentName)
    return super.afterUnloadDocument(payload)
  }
}

/** Connects to `url`; keys and channels start with `prefix`. */
export function redisScaleOut(url: string, prefix: string, log: Logger): RedisScaleOut {
  const parsed = new URL(url)
  const identifier = `collab-${process.pid}-${Math.random().toString(36).slice(2, 10)}`
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0
  const connection = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // Keep reconnecting while Redis is down (restart, failover); capped so recovery is quick.
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
  } satisfies RedisOptions
  const { host, port, ...options } = connection
  const extension = new DegradableRedis({ host, port, prefix, identifier, options })
  // Our own commands (access-change notices, sign-in counts) on a connection of their own, with
  // the project's ioredis (the extension brings its own, older one).
  const commands = new RedisClient(connection)
  commands.on('error', () => {
    // Reported by the extension's connections to the same Redis.
  })
  const accessChanges = redisAccessChanges({ publisher: commands, prefix, identifier, log })
  const signInThrottle = new RedisSignInThrottle(commands, prefix, {}, log)
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
      // The extension's frames start with our identifier (its `messagePrefix`).
      extension.pub.publish(extension.documentChannel(name), Buffer.concat([extension.messagePrefix, Buffer.from(message)])).catch((error: unknown) => {
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
    // ioredis resubscribes what was subscribed; documents opened during the outage join now.
    const joining = [...extension.unsubscribed]
    extension.unsubscribed.clear()
    Promise.all(joining.map((name) => extension.sub.subscribe(extension.documentChannel(name)))).then(
      () => {
        // Give the other instances a moment to resubscribe too, then exchange state.
        clearTimeout(resyncTimer)
        resyncTimer = setTimeout(resync, 300)
      },
      (error: unknown) => {
        for (const name of joining) extension.unsubscribed.add(name)
        log.warn({ err: error instanceof Error ? error.message : String(error) }, 'redis resubscribe failed; retried on the next reconnect')
      },
    )
  })
  return {
    extension,
    identifier,
    accessChanges,
    signInThrottle,
    async ping(timeoutMs = 2_000) {
      if (extension.pub.status !== 'ready') throw new Error(`redis connection is ${extension.pub.status}`)
      await pingWithin(extension, timeoutMs, `redis did not answer PING in ${timeoutMs} ms`)
    },
    async connected(timeoutMs = 10_000) {
      await pingWithin(extension, timeoutMs, `redis at ${parsed.host} did not answer within ${timeoutMs} ms`)
      await accessChanges.subscribed()
    },
    async close() {
      clearTimeout(resyncTimer)
      await accessChanges.close()
      commands.disconnect()
      await extension.onDestroy().catch(() => undefined)
    },
  }
}

async function pingWithin(extension: Redis, timeoutMs: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([extension.pub.ping(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(message)), timeoutMs)))])
  } finally {
    clearTimeout(timer)
  }
}
