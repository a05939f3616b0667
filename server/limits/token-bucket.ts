/**
 * A token bucket: `capacity` tokens, refilled continuously at `ratePerSecond`. Callers take
 * tokens for what they do and, when the bucket cannot pay, wait {@link TokenBucket.waitMs}.
 */
export class TokenBucket {
  private tokens: number
  private updatedAt: number
  private readonly capacity: number
  private readonly ratePerSecond: number
  private readonly now: () => number

  constructor(capacity: number, ratePerSecond: number, now: () => number = performance.now.bind(performance)) {
    if (!(capacity > 0) || !(ratePerSecond > 0)) throw new RangeError('a token bucket needs a positive capacity and rate')
    this.capacity = capacity
    this.ratePerSecond = ratePerSecond
    this.now = now
    this.tokens = capacity
    this.updatedAt = now()
  }

  /** Tokens available now. */
  available(): number {
    const now = this.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) * this.ratePerSecond) / 1000)
    this.updatedAt = now
    return this.tokens
  }

  /** True when the bucket is full (nothing was taken recently). */
  isFull(): boolean {
    return this.available() >= this.capacity
  }

  /**
   * Milliseconds until `amount` tokens are available (0: now). An amount over the capacity is
   * treated as the capacity, so one message larger than the burst is still admitted on a full bucket.
   */
  waitMs(amount: number): number {
    const missing = Math.min(amount, this.capacity) - this.available()
    return missing <= 0 ? 0 : Math.ceil((missing * 1000) / this.ratePerSecond)
  }

  /** Takes `amount` tokens (the caller checked {@link waitMs}); the balance may not go below zero. */
  take(amount: number): void {
    this.tokens = Math.max(0, this.available() - amount)
  }
}
