/**
 * The Redis-backed account pieces of scale-out through a Redis outage (a private redis-server,
 * killed and restarted): announcing an access change and counting a failed sign-in never wait for
 * Redis, the sign-in throttle falls back to this instance's count, and once Redis is back the
 * instances hear each other's access changes again (ioredis resubscribes the channel).
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { AccessChange } from '../../server/access/access-changes.ts'
import { createLogger } from '../../server/log.ts'
import { redisScaleOut, type RedisScaleOut } from '../../server/scale/redis-scale-out.ts'
import { waitFor } from '../helpers/clients.ts'
import { startPrivateRedis, uniqueRedisPrefix, type PrivateRedis } from '../helpers/redis.ts'

describe('account pieces through a Redis outage', () => {
  let redis: PrivateRedis | undefined
  const instances: RedisScaleOut[] = []
  afterEach(async () => {
    for (const instance of instances.splice(0)) await instance.close()
    await redis?.kill()
    redis = undefined
  })

  it('[ACCT8][ACCT1][SCALE3] access changes and sign-in counts carry on without Redis and travel again once it is back', { timeout: 60_000 }, async () => {
    redis = await startPrivateRedis()
    const prefix = uniqueRedisPrefix('outage')
    const log = createLogger('silent')
    for (let i = 0; i < 2; i++) instances.push(redisScaleOut(redis.url, prefix, log))
    const [a, b] = instances as [RedisScaleOut, RedisScaleOut]
    await Promise.all(instances.map((instance) => instance.connected()))
    const heardByA: AccessChange[] = []
    const heardByB: AccessChange[] = []
    a.accessChanges.handle(async (change) => heardByA.push(change))
    b.accessChanges.handle(async (change) => heardByB.push(change))

    // Up: A's change is handled on A and reaches B; B hears it once.
    await a.accessChanges.announce({ document: 'plans', userIds: ['vic'] })
    expect(heardByA).toEqual([{ document: 'plans', userIds: ['vic'] }])
    await waitFor(() => heardByB.length === 1, 'B heard the change')
    for (let i = 0; i < 3; i++) await a.signInThrottle.failed('olive', '10.0.0.1')
    expect(await b.signInThrottle.retryAfter('olive', '10.0.0.2')).toBe(0)

    await redis.kill()
    await waitFor(() => !instances.some((instance) => instance.extension.pub.status === 'ready'), 'clients noticed the outage')
    // Down: announcing resolves (this instance re-checks), counting falls back to this instance.
    await a.accessChanges.announce({ document: 'plans', userIds: ['wes'] })
    expect(heardByA).toHaveLength(2)
    for (let i = 0; i < 10; i++) await b.signInThrottle.failed('olive', '10.0.0.3')
    expect(await b.signInThrottle.retryAfter('olive', '10.0.0.3')).toBeGreaterThan(0)

    await redis.start()
    await Promise.all(instances.map((instance) => instance.connected()))
    // Back: a change announced on B reaches A once A's subscriber has reconnected and resubscribed
    // (each attempt is a fresh announcement: pub/sub keeps nothing for a subscriber that is away).
    let heard = false
    for (let attempt = 0; attempt < 50 && !heard; attempt++) {
      await b.accessChanges.announce({ document: 'plans', userIds: [`after-${attempt}`] })
      heard = await waitFor(() => heardByA.some((change) => change.userIds[0]!.startsWith('after-')), 'A heard a change after the outage', 200).then(
        () => true,
        () => false,
      )
    }
    expect(heard).toBe(true)
  })
})
