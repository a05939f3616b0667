/**
 * The shared memory between the main thread and the fan-out thread (fanout-thread.ts): a control
 * block, the descriptors to write to, what each write did, and the frame. Both threads take
 * descriptors from `CONTROL.range`, the thread from its low end and the main thread from its high
 * end, so each is written by exactly one of them.
 */

/** Most descriptors one batch hands the thread; a bigger broadcast writes the rest on the main thread. */
export const FANOUT_CAPACITY = 16_384 // below 2^16: a range's ends share one 32-bit slot

/** Largest frame the thread takes: a shared frame's payload (64 KiB at most) and its header. */
export const FRAME_CAPACITY = 64 * 1024 + 16

/** Slots of the control block. */
export const CONTROL = { state: 0, count: 1, frameBytes: 2, ready: 3, range: 4, busy: 5 } as const

/** Values of `CONTROL.state`: `closing` stops the thread from taking more descriptors. */
export const STATE = { idle: 0, work: 1, closing: 2 } as const

/** `written[i]` before the thread tried descriptor `i`. */
export const NOT_WRITTEN = -1_000_000

/** `written[i]` while the thread's write to descriptor `i` is under way. */
export const WRITING = -1_000_001

/** Typed views over the shared buffer. */
export interface FanoutViews {
  control: Int32Array
  fds: Int32Array
  /** Per descriptor the thread took: bytes written, a negative errno, or {@link WRITING}; otherwise {@link NOT_WRITTEN}. */
  written: Int32Array
  frame: Uint8Array
}

const CONTROL_SLOTS = 6

/** Lays the views out over `buffer` (of {@link fanoutViews.bytes} bytes). */
export function fanoutViews(buffer: SharedArrayBuffer): FanoutViews {
  let offset = 0
  const take = (bytes: number) => ((offset += bytes), offset - bytes)
  return {
    control: new Int32Array(buffer, take(CONTROL_SLOTS * 4), CONTROL_SLOTS),
    fds: new Int32Array(buffer, take(FANOUT_CAPACITY * 4), FANOUT_CAPACITY),
    written: new Int32Array(buffer, take(FANOUT_CAPACITY * 4), FANOUT_CAPACITY),
    frame: new Uint8Array(buffer, take(FRAME_CAPACITY), FRAME_CAPACITY),
  }
}
fanoutViews.bytes = (CONTROL_SLOTS + 2 * FANOUT_CAPACITY) * 4 + FRAME_CAPACITY

/** Packs the untaken descriptors `[low, high)` into one slot, for compare-and-swap. */
export function packRange(low: number, high: number): number {
  return low | (high << 16)
}

/**
 * Takes a descriptor from the low (`end` 'low') or high end of `control`'s range: its index, or -1
 * when none is left.
 */
export function takeFromRange(control: Int32Array, end: 'low' | 'high'): number {
  for (;;) {
    const range = Atomics.load(control, CONTROL.range)
    const low = range & 0xffff
    const high = range >>> 16
    if (low >= high) return -1
    const next = end === 'low' ? packRange(low + 1, high) : packRange(low, high - 1)
    if (Atomics.compareExchange(control, CONTROL.range, range, next) === range) return end === 'low' ? low : high - 1
  }
}
