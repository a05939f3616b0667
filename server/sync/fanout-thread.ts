/**
 * A second thread that writes one broadcast frame to part of its readers' sockets.
 *
 * A broadcast to N readers is N `write` system calls on the main thread, one per TCP socket: at 500
 * readers 6.6 ms of the 9 ms the main thread spends on a keystroke (13 µs each on the benchmark
 * machine), for bare Hocuspocus' `writev` just the same. No server can issue fewer; this one issues
 * them on two cores. The main thread hands this thread the sockets' file descriptors and a copy of
 * the frame in shared memory; both take descriptors from one shared range (the thread from its
 * start, the main thread from its end, through the sockets' streams) until none is left; then the main thread waits for the
 * thread's last write before it returns to the event loop. A thread that is slow to wake (the cores
 * busy) costs nothing but its share: the main thread takes it.
 *
 * Waiting is what makes sharing a socket's descriptor safe: while the thread writes, the main thread
 * runs no event handler, so no socket is closed (its descriptor reused by another connection) and
 * nothing else is written to a lent socket. Lent sockets have nothing queued in their streams, and a
 * write the kernel does not take whole (a full socket buffer) comes back as a byte count for the
 * main thread to finish through the stream, ahead of anything later. The thread itself only ever
 * calls `write(2)` on descriptors libuv opened non-blocking: it cannot block.
 */
import { Worker } from 'node:worker_threads'
import { CONTROL, NOT_WRITTEN, STATE, fanoutViews, packRange, takeFromRange, type FanoutViews } from './fanout-thread-layout.ts'

/** How long the main thread waits for the thread before it gives up on it (it should take microseconds). */
const WAIT_LIMIT_MS = 5_000

/**
 * The thread and the shared memory it reads its work from. The thread starts when it is first
 * asked for ({@link canTake}): a server whose documents never have many readers never pays for it,
 * and one that does pays after its start, not while its first documents load.
 */
export class FanoutThread {
  private readonly buffer = new SharedArrayBuffer(fanoutViews.bytes)
  private readonly views: FanoutViews = fanoutViews(this.buffer)
  private worker: Worker | null = null
  private alive = true

  /** Whether the thread has been started (for tests). */
  get started(): boolean {
    return this.worker !== null
  }

  /** Whether {@link start} may be called: the thread is up and the frame fits. The first call starts the thread. */
  canTake(frameBytes: number): boolean {
    if (this.worker === null && this.alive) this.startThread()
    return this.alive && frameBytes <= this.views.frame.length && Atomics.load(this.views.control, CONTROL.ready) === 1
  }

  private startThread(): void {
    const worker = new Worker(new URL('./fanout-thread-worker.ts', import.meta.url), { workerData: { buffer: this.buffer }, name: 'fanout' })
    // Idle in `Atomics.wait`, it must not keep the process alive.
    worker.unref()
    worker.on('error', () => (this.alive = false))
    worker.on('exit', () => (this.alive = false))
    this.worker = worker
  }

  /**
   * Starts writing `frame` to each of `fds` (at most `FANOUT_CAPACITY`) on the thread. The caller
   * takes descriptors too ({@link take}): a thread that wakes late leaves the work to the caller.
   */
  start(frame: Uint8Array, fds: readonly number[]): void {
    const { control, frame: sharedFrame, fds: sharedFds, written } = this.views
    sharedFrame.set(frame)
    for (let i = 0; i < fds.length; i++) {
      sharedFds[i] = fds[i]!
      written[i] = NOT_WRITTEN
    }
    control[CONTROL.count] = fds.length
    control[CONTROL.frameBytes] = frame.length
    Atomics.store(control, CONTROL.range, packRange(0, fds.length))
    Atomics.store(control, CONTROL.state, STATE.work)
    Atomics.notify(control, CONTROL.state)
  }

  /** The index of a descriptor for the caller to write to itself, or -1 when all are taken. */
  take(): number {
    return takeFromRange(this.views.control, 'high')
  }

  /**
   * Closes the batch and waits for the thread's write in progress, if any. Returns, per descriptor
   * the thread took, the bytes written (the frame's length when complete) or a negative errno;
   * {@link NOT_WRITTEN} for the caller's; and, only if the thread stalled mid-write, {@link WRITING}
   * (a write of unknown outcome). Valid until the next start.
   */
  finish(): Int32Array {
    const { control, written } = this.views
    Atomics.store(control, CONTROL.state, STATE.closing)
    Atomics.notify(control, CONTROL.state)
    const deadline = performance.now() + WAIT_LIMIT_MS
    while (Atomics.load(control, CONTROL.busy) === 1) {
      const left = deadline - performance.now()
      if (left <= 0) {
        // Never seen; but a stalled thread must not take the server down with it. It is left
        // closed, and what it did not report on is the caller's to finish.
        this.alive = false
        break
      }
      Atomics.wait(control, CONTROL.busy, 1, left)
    }
    if (this.alive) Atomics.store(control, CONTROL.state, STATE.idle)
    return written.subarray(0, control[CONTROL.count])
  }

  /** Ends the thread (on shutdown). */
  async stop(): Promise<void> {
    this.alive = false
    await this.worker?.terminate()
  }
}
