/**
 * Access changes across instances: with `REDIS_URL`, every announced access change (document +
 * affected user ids) is published on one Redis channel, `PREFIX#access-changed`, and each
 * instance re-checks its own connections for the changes the others publish. A `#` cannot occur
 * in a document name, so the channel never collides with the document channels
 * (`PREFIX:NAME`) of `@hocuspocus/extension-redis`.
 *
 * Redis pub/sub delivers at most once: a change published while an instance is cut off from
 * Redis never reaches it. That instance's connections are then re-checked at their next token
 * refresh, which checks the fresh token against the database (README "Accounts and sharing").
 */
import type { Redis } from 'ioredis'
import { z } from 'zod'
import type { AccessChangeHandler, AccessChanges } from '../access/access-changes.ts'
import type { Logger } from '../log.ts'

const notice = z.object({
  from: z.string(),
  document: z.string().min(1).max(512),
  userIds: z.array(z.string().max(256)).max(10_000),
})

/** The channel access changes travel on for `prefix`. */
export function accessChangesChannel(prefix: string): string {
  return `${prefix}#access-changed`
}

/** {@link AccessChanges} over Redis, with a check that its subscription is in place. */
export interface RedisAccessChanges extends AccessChanges {
  /** Resolves once this instance listens for the others' changes; rejects if subscribing failed. */
  subscribed(): Promise<void>
}

/**
 * Publishes with `publisher` and listens on a connection of its own (a subscribed Redis
 * connection can do nothing else), opened like it. `identifier` tells this instance's own
 * notices apart: it has handled them before publishing.
 */
export function redisAccessChanges(options: { publisher: Redis; prefix: string; identifier: string; log: Logger }): RedisAccessChanges {
  const { publisher, identifier, log } = options
  const channel = accessChangesChannel(options.prefix)
  const subscriber = publisher.duplicate()
  let handler: AccessChangeHandler | undefined
  subscriber.on('error', () => {
    // Reported by the scale-out's document connections to the same Redis; ioredis reconnects
    // (and resubscribes) by itself.
  })
  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return
    let parsed: z.infer<typeof notice>
    try {
      parsed = notice.parse(JSON.parse(raw))
    } catch (error) {
      log.warn({ err: error instanceof Error ? error.message : String(error) }, 'ignored a malformed access-change notice')
      return
    }
    if (parsed.from === identifier || !handler) return
    handler({ document: parsed.document, userIds: parsed.userIds }).catch((error: unknown) => {
      log.error({ err: error, document: parsed.document }, 'could not re-check connections after another instance changed access')
    })
  })
  const subscription = subscriber.subscribe(channel).then(() => undefined)
  subscription.catch(() => undefined)
  return {
    subscribed: () => subscription,
    async announce(change) {
      await handler?.(change)
      const published = publisher.publish(channel, JSON.stringify({ from: identifier, document: change.document, userIds: change.userIds }))
      const failed = (error: unknown) =>
        log.warn({ err: error instanceof Error ? error.message : String(error), document: change.document }, 'could not tell other instances about an access change; they re-check at the next token refresh')
      // While Redis is unreachable ioredis queues the publish until it is back: do not hold the
      // request that much longer.
      if (publisher.status !== 'ready') {
        published.catch(failed)
        return
      }
      await published.catch(failed)
    },
    handle(next) {
      handler = next
    },
    async close() {
      // Not `quit()`: with Redis unreachable it would wait for the reconnect.
      subscriber.disconnect()
    },
  }
}
