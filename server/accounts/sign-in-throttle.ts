/**
 * Slows down password guessing: failed sign-ins are counted per account name and per client
 * address over a sliding window; past the limit, sign-in answers `429 too-many-requests` with a
 * `Retry-After` until the oldest failure leaves the window. A success clears the account's count.
 *
 * {@link SignInThrottle} keeps the counts in memory (per instance) and bounded: at most
 * {@link SIGN_IN_LIMITS.maxTrackedKeys} keys, the stalest dropped first. With several instances
 * (Redis scale-out) they are kept in Redis instead (`server/scale/redis-sign-in-throttle.ts`), so
 * a guesser cannot multiply the limits by the number of instances behind the load balancer.
 */

/** Counts failed sign-ins and says when to refuse (in memory, or shared between instances). */
export interface SignInCounter {
  /** Seconds to wait before `login` may try again from `address`, or 0 when it may try now. */
  retryAfter(login: string, address: string): number | Promise<number>
  /** Records a failed attempt. */
  failed(login: string, address: string): void | Promise<void>
  /** Clears an account's failures after a successful sign-in. */
  succeeded(login: string): void | Promise<void>
}

/** Limits of a {@link SignInThrottle}. */
export interface SignInLimits {
  perLogin: number
  perAddress: number
  windowMs: number
  maxTrackedKeys: number
}

/** The named limits (see README, "Accounts and sharing"). */
export const SIGN_IN_LIMITS: Readonly<SignInLimits> = {
  /** Failed sign-ins for one username or email per window. */
  perLogin: 10,
  /** Failed sign-ins from one client address per window (offices share an address). */
  perAddress: 100,
  /** The window, ms. */
  windowMs: 15 * 60_000,
  /** Most keys remembered at once. */
  maxTrackedKeys: 10_000,
}

/** Counts failures in this process's memory. */
export class SignInThrottle implements SignInCounter {
  private readonly failures = new Map<string, number[]>()
  private readonly limits: SignInLimits

  constructor(limits: Partial<SignInLimits> = {}) {
    this.limits = { ...SIGN_IN_LIMITS, ...limits }
  }

  /** Seconds to wait before `login` may try again from `address`, or 0 when it may try now. */
  retryAfter(login: string, address: string, now = Date.now()): number {
    const waits = [this.waitFor(`login:${login.toLowerCase()}`, this.limits.perLogin, now), this.waitFor(`address:${address}`, this.limits.perAddress, now)]
    return Math.ceil(Math.max(...waits) / 1000)
  }

  /** Records a failed attempt. */
  failed(login: string, address: string, now = Date.now()): void {
    for (const key of [`login:${login.toLowerCase()}`, `address:${address}`]) {
      const times = this.recent(key, now)
      times.push(now)
      // Re-insert so the map's order is least recently failed first.
      this.failures.delete(key)
      this.failures.set(key, times)
    }
    while (this.failures.size > this.limits.maxTrackedKeys) this.failures.delete(this.failures.keys().next().value!)
  }

  /** Clears an account's failures after a successful sign-in. */
  succeeded(login: string): void {
    this.failures.delete(`login:${login.toLowerCase()}`)
  }

  private waitFor(key: string, limit: number, now: number): number {
    const times = this.recent(key, now)
    if (times.length < limit) return 0
    return times[times.length - limit]! + this.limits.windowMs - now
  }

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((time) => time > now - this.limits.windowMs)
    if (times.length === 0) this.failures.delete(key)
    else this.failures.set(key, times)
    return times
  }
}
