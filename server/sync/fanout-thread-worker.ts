/**
 * The fan-out thread (see fanout-thread.ts): waits for a batch, writes the frame with one `write(2)`
 * to each descriptor it takes before the main thread does, notes what each write did, and signals
 * the main thread.
 */
import fs from 'node:fs'
import { workerData } from 'node:worker_threads'
import { CONTROL, STATE, WRITING, fanoutViews, takeFromRange } from './fanout-thread-layout.ts'

const { control, fds, written, frame } = fanoutViews((workerData as { buffer: SharedArrayBuffer }).buffer)

Atomics.store(control, CONTROL.ready, 1)
for (;;) {
  for (let state = Atomics.load(control, CONTROL.state); state !== STATE.work; state = Atomics.load(control, CONTROL.state)) {
    Atomics.wait(control, CONTROL.state, state)
  }
  writeBatch()
  // Everything is taken; sleep until the main thread closes the batch (it notifies).
  Atomics.wait(control, CONTROL.state, STATE.work)
}

/**
 * Takes descriptors from the low end of the range (the main thread takes from the high end) until none is left or the
 * batch is closed. `busy` is raised before the state is read, so a main thread that set `closing`
 * and then sees `busy` low knows this thread takes nothing more (Atomics are sequentially
 * consistent); and the batch's data, written before its state became `work`, cannot change while
 * `busy` is up.
 */
function writeBatch(): void {
  for (;;) {
    Atomics.store(control, CONTROL.busy, 1)
    const i = Atomics.load(control, CONTROL.state) === STATE.work ? takeFromRange(control, 'low') : -1
    if (i === -1) break
    written[i] = WRITING
    try {
      written[i] = fs.writeSync(fds[i]!, frame, 0, control[CONTROL.frameBytes])
    } catch (error) {
      // EAGAIN (socket buffer full), EPIPE, ECONNRESET...: the main thread writes through the stream,
      // which queues or reports the error as for any write.
      written[i] = -Math.abs((error as { errno?: number }).errno ?? 1)
    }
    Atomics.store(control, CONTROL.busy, 0)
  }
  Atomics.store(control, CONTROL.busy, 0)
  Atomics.notify(control, CONTROL.busy)
}
