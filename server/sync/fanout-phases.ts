/**
 * When a keystroke passes each step of its way to the readers, published on a diagnostics channel
 * for `bench/fanout-phases.ts`: its frame's arrival, the start and end of the document's broadcast
 * (handing the update to every connection), and the start and end of the writes to the readers'
 * sockets. Nothing is published, and no clock read, unless someone subscribes: the hot path pays
 * one `hasSubscribers` check per step.
 */
import diagnostics_channel from 'node:diagnostics_channel'

/** The steps, in the order a keystroke passes them. */
export type FanoutPhase = 'frame-received' | 'broadcast-start' | 'broadcast-end' | 'writes-start' | 'writes-end'

/** One step's event: when (`performance.now()`), and for the writes, to how many sockets. */
export interface FanoutPhaseEvent {
  phase: FanoutPhase
  at: number
  sockets?: number
}

/** The channel's name, for `diagnostics_channel.subscribe`. */
export const FANOUT_PHASE_CHANNEL = 'collab:fanout-phase'

const channel = diagnostics_channel.channel(FANOUT_PHASE_CHANNEL)

/** Publishes `phase` now, if anyone listens. */
export function notePhase(phase: FanoutPhase, sockets?: number): void {
  if (!channel.hasSubscribers) return
  const event: FanoutPhaseEvent = sockets === undefined ? { phase, at: performance.now() } : { phase, at: performance.now(), sockets }
  channel.publish(event)
}
