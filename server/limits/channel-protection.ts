/**
 * What every transport needs to guard its connections: the limits and the per-address budgets
 * they share. Created once in the composition root and handed to each endpoint.
 */
import type { ChannelLimits } from './channel-limits.ts'
import { AddressBudgets } from './rate-limiter.ts'

/** Shared state of the channel guards. */
export interface ChannelProtection {
  readonly limits: ChannelLimits
  readonly addresses: AddressBudgets
  /** Stops background sweeping (server shutdown). */
  stop(): void
}

/** Creates the protection for `limits`. */
export function createChannelProtection(limits: ChannelLimits): ChannelProtection {
  const addresses = new AddressBudgets(limits.perAddress)
  return { limits, addresses, stop: () => addresses.stop() }
}
