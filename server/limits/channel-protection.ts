/**
 * What every transport needs to guard its connections: the limits and the per-address budgets
 * they share. Created once in the composition root and handed to each endpoint.
 */
import type { ChannelLimits } from './channel-limits.ts'
import { AddressBudgets } from './rate-limiter.ts'

/** Counters over all connections, shown on `/healthz`. */
export interface ChannelStats {
  /** Frames decoded by a guard. */
  inspected: number
  /** Times a guard held frames back for lack of rate-limit tokens. */
  throttled: number
  /** Connections closed by a guard or the content validation, by close reason. */
  refused: Record<string, number>
}

/** Shared state of the channel guards. */
export interface ChannelProtection {
  readonly limits: ChannelLimits
  readonly addresses: AddressBudgets
  readonly stats: ChannelStats
  /** Stops background sweeping (server shutdown). */
  stop(): void
}

/** Creates the protection for `limits`. */
export function createChannelProtection(limits: ChannelLimits): ChannelProtection {
  const addresses = new AddressBudgets(limits.perAddress)
  return { limits, addresses, stats: { inspected: 0, throttled: 0, refused: {} }, stop: () => addresses.stop() }
}
