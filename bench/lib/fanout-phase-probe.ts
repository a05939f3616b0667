/**
 * Loaded into a server of ours with `--import` by bench/fanout-phases.ts: listens to the fan-out
 * phase channel (server/sync/fanout-phases.ts) and, when the process exits, writes one row per
 * broadcast to the file named by `FANOUT_PHASES_OUT`.
 */
import diagnostics_channel from 'node:diagnostics_channel'
import fs from 'node:fs'
import { FANOUT_PHASE_CHANNEL, type FanoutPhaseEvent } from '../../server/sync/fanout-phases.ts'
import { sharedFrameStats } from '../../server/sync/shared-frame-socket.ts'

/** One broadcast's way: times in ms since the frame that caused it arrived. */
export interface BroadcastPhases {
  /** Frame arrival → broadcast start (guard, hooks, applying the update). */
  toBroadcast: number
  /** Handing the update to every connection. */
  broadcast: number
  /** Broadcast end → first write. */
  toWrites: number
  /** Writing every socket's frame of the tick. */
  writes: number
  /** Sockets written in that tick. */
  sockets: number
  /** Of those, written by the fan-out thread. */
  byThread: number
}

const out = process.env.FANOUT_PHASES_OUT
if (!out) throw new Error('fanout-phase-probe: set FANOUT_PHASES_OUT')

const rows: BroadcastPhases[] = []
let received = Number.NaN
let broadcastStart = Number.NaN
let broadcastEnd = Number.NaN
let writesStart = Number.NaN
let threadedAtStart = 0

diagnostics_channel.subscribe(FANOUT_PHASE_CHANNEL, (message) => {
  const { phase, at, sockets } = message as FanoutPhaseEvent
  switch (phase) {
    case 'frame-received':
      // The last frame before a broadcast is the one that caused it (one keystroke at a time).
      if (Number.isNaN(broadcastStart)) received = at
      break
    case 'broadcast-start':
      broadcastStart = at
      break
    case 'broadcast-end':
      broadcastEnd = at
      break
    case 'writes-start':
      writesStart = at
      threadedAtStart = sharedFrameStats.threaded
      break
    case 'writes-end':
      // The first writes after a broadcast are its own; others (acknowledgements) are not rows.
      if (!Number.isNaN(broadcastEnd) && !Number.isNaN(received)) {
        rows.push({
          toBroadcast: broadcastStart - received,
          broadcast: broadcastEnd - broadcastStart,
          toWrites: writesStart - broadcastEnd,
          writes: at - writesStart,
          sockets: sockets ?? 0,
          byThread: sharedFrameStats.threaded - threadedAtStart,
        })
        received = broadcastStart = broadcastEnd = Number.NaN
      }
      break
  }
})

process.on('exit', () => fs.writeFileSync(out, JSON.stringify(rows)))
