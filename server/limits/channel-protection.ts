/**
 * What every transport needs to guard its connections: the limits and the per-address and
 * per-user budgets they share. Created once in the composition root and handed to each endpoint.
 */
import type { ChannelLimits } from './channel-limits.ts'
import { ContinuingBursts } from './continuing-bursts.ts'
import { AddressBudgets } from './rate-limiter.ts'

/** Counters over all connections, shown on `/healthz`. */
export interface ChannelStats {
  /** Frames decoded by a guard. */
  inspected: number
  /** Times a guard held frames back for lack of rate-limit tokens. */
  throttled: number
  /** Update frames handed to Hocuspocus merged with others of the same read (see update-merging.ts). */
  mergedFrames: number
  /** Connections closed by a guard or the content validation, by close reason. */
  refused: Record<string, number>
}

/** Shared state of the channel guards. */
export interface ChannelProtection {
  readonly limits: ChannelLimits
  /** Budgets of client addresses (connections not yet authenticated). */
  readonly addresses: AddressBudgets
  /** Budgets of signed-in users (authenticated connections), by user id. */
  readonly users: AddressBudgets
  /** Ceilings of client addresses over their authenticated connections (all users together). */
  readonly signedInAddresses: AddressBudgets
  readonly stats: ChannelStats
  /** Documents whose bursts the guards spread over turns, so their broadcast waits for the rest. */
  readonly bursts: ContinuingBursts
  /** Stops background sweeping (server shutdown). */
  stop(): void
}

/** Creates the protection for `limits`. */
export function createChannelProtection(limits: ChannelLimits): ChannelProtection {
  const addresses = new AddressBudgets(limits.perAddress)
  const users = new AddressBudgets(limits.perUser)
  const signedInAddresses = new AddressBudgets(limits.perAddressSignedIn)
  return {
    limits,
    addresses,
    users,
    signedInAddresses,
    stats: { inspected: 0, throttled: 0, mergedFrames: 0, refused: {} },
    bursts: new ContinuingBursts(),
    stop() {
      addresses.stop()
      users.stop()
      signedInAddresses.stop()
    },
  }
}
