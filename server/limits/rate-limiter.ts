/**
 * Rate limits shared by every transport: one pair of token buckets (messages, bytes) per
 * connection, and one pair per client address (before authentication) or per user (after), so a
 * client cannot escape its budget by opening more sockets or switching between WebSocket, HTTP
 * fallback and y-websocket.
 */
import type { RateLimit } from './channel-limits.ts'
import { TokenBucket } from './token-bucket.ts'

/** A message-and-byte budget. */
export class Budget {
  private readonly messages: TokenBucket
  private readonly bytes: TokenBucket

  constructor(limit: RateLimit) {
    this.messages = new TokenBucket(limit.messageBurst, limit.messagesPerSecond)
    this.bytes = new TokenBucket(limit.byteBurst, limit.bytesPerSecond)
  }

  /** Milliseconds until a message of `size` bytes may pass. */
  waitMs(size: number): number {
    return Math.max(this.messages.waitMs(1), this.bytes.waitMs(size))
  }

  /** Pays for a message of `size` bytes. */
  take(size: number): void {
    this.messages.take(1)
    this.bytes.take(size)
  }

  /** True when nothing was spent recently: the budget can be forgotten without favouring anyone. */
  isFull(): boolean {
    return this.messages.isFull() && this.bytes.isFull()
  }
}

/** Budgets shared by key (a client address, a user id) with reference counts; idle full budgets are swept. */
export class AddressBudgets {
  private readonly entries = new Map<string, { budget: Budget; connections: number }>()
  private readonly limit: RateLimit
  private readonly sweeper: NodeJS.Timeout

  constructor(limit: RateLimit, sweepMs = 30_000) {
    this.limit = limit
    this.sweeper = setInterval(() => this.sweep(), sweepMs)
    this.sweeper.unref()
  }

  /** The budget of `address`, counted as used by one more connection until {@link release}. */
  acquire(address: string): Budget {
    let entry = this.entries.get(address)
    if (!entry) {
      entry = { budget: new Budget(this.limit), connections: 0 }
      this.entries.set(address, entry)
    }
    entry.connections++
    return entry.budget
  }

  /** One connection of `address` ended. The budget stays until it is full again (a reconnect does not refill it). */
  release(address: string): void {
    const entry = this.entries.get(address)
    if (entry) entry.connections = Math.max(0, entry.connections - 1)
  }

  /** Number of addresses tracked. */
  get size(): number {
    return this.entries.size
  }

  /** Forgets addresses with no connections whose budgets have refilled. */
  sweep(): void {
    for (const [address, entry] of this.entries) {
      if (entry.connections === 0 && entry.budget.isFull()) this.entries.delete(address)
    }
  }

  /** Stops the sweeper. */
  stop(): void {
    clearInterval(this.sweeper)
  }
}
