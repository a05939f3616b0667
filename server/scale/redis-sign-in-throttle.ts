/**
 * The sign-in throttle shared by all instances (with `REDIS_URL`): failed sign-ins per account
 * name and per client address live in Redis sorted sets (`PREFIX#signin:login:NAME`,
 * `PREFIX#signin:address:ADDR`), one member per failure scored by its time, so every instance
 * counts the same failures and the limits hold however many instances a guesser's requests are
 * spread over. Bounded: a set keeps at most its limit of newest failures and expires one window
 * after its last failure.
 *
 * While Redis is unreachable the instance falls back to its own in-memory count (the limits then
 * hold per instance, as without Redis) rather than holding sign-ins until Redis answers.
 */
import type { Redis } from 'ioredis'
import { SIGN_IN_LIMITS, SignInThrottle, type SignInCounter, type SignInLimits } from '../accounts/sign-in-throttle.ts'
import type { Logger } from '../log.ts'

/** A {@link SignInCounter} over `client`, with keys under `prefix`. */
export class RedisSignInThrottle implements SignInCounter {
  private readonly client: Redis
  private readonly prefix: string
  private readonly limits: SignInLimits
  private readonly local: SignInThrottle
  private readonly log: Logger | undefined

  constructor(client: Redis, prefix: string, limits: Partial<SignInLimits> = {}, log?: Logger) {
    this.client = client
    this.prefix = prefix
    this.limits = { ...SIGN_IN_LIMITS, ...limits }
    this.local = new SignInThrottle(limits)
    this.log = log
  }

  async retryAfter(login: string, address: string, now = Date.now()): Promise<number> {
    if (!this.shared()) return this.local.retryAfter(login, address, now)
    const keys = this.keys(login, address)
    const pipeline = this.client.multi()
    for (const [key] of keys) pipeline.zremrangebyscore(key, 0, now - this.limits.windowMs).zcard(key).zrange(key, '0', '0', 'WITHSCORES')
    const results = await this.run(pipeline.exec())
    if (!results) return this.local.retryAfter(login, address, now)
    let waitMs = 0
    keys.forEach(([, limit], index) => {
      const count = Number(results[index * 3 + 1])
      const oldest = Number((results[index * 3 + 2] as string[])[1])
      // Each set holds at most `limit` newest failures: when full, the oldest leaving the window frees a try.
      if (count >= limit) waitMs = Math.max(waitMs, oldest + this.limits.windowMs - now)
    })
    return Math.ceil(waitMs / 1000)
  }

  async failed(login: string, address: string, now = Date.now()): Promise<void> {
    this.local.failed(login, address, now)
    if (!this.shared()) return
    const pipeline = this.client.multi()
    for (const [key, limit] of this.keys(login, address)) {
      pipeline
        .zadd(key, now, `${now}:${Math.random().toString(36).slice(2, 10)}`)
        .zremrangebyrank(key, 0, -(limit + 1))
        .pexpire(key, this.limits.windowMs)
    }
    await this.run(pipeline.exec())
  }

  async succeeded(login: string): Promise<void> {
    this.local.succeeded(login)
    if (!this.shared()) return
    await this.run(this.client.del(this.loginKey(login)))
  }

  private shared(): boolean {
    return this.client.status === 'ready'
  }

  private keys(login: string, address: string): [string, number][] {
    return [
      [this.loginKey(login), this.limits.perLogin],
      [`${this.prefix}#signin:address:${address}`, this.limits.perAddress],
    ]
  }

  private loginKey(login: string): string {
    return `${this.prefix}#signin:login:${login.toLowerCase()}`
  }

  /** The results of a transaction (or command), or `null` when Redis failed (logged). */
  private async run(command: Promise<unknown>): Promise<unknown[] | null> {
    try {
      const result = await command
      if (!Array.isArray(result)) return []
      // A MULTI's results come as [error, value] pairs.
      return result.map((entry) => {
        if (!Array.isArray(entry)) return entry
        if (entry[0]) throw entry[0]
        return entry[1]
      })
    } catch (error) {
      this.log?.warn({ err: error instanceof Error ? error.message : String(error) }, 'shared sign-in throttle unavailable; counting on this instance')
      return null
    }
  }
}
