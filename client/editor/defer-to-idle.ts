/**
 * Work that can wait for the page to be idle: out of a keystroke's frame, at most ~100 ms late.
 */

export /** Runs `task` once when the page is next idle (at most ~100 ms later), however often scheduled meanwhile. */
function deferToIdle(task: () => void): { schedule(): void; cancel(): void } {
  let pending: (() => void) | null = null
  return {
    schedule() {
      if (pending) return
      const run = () => {
        pending = null
        task()
      }
      if (typeof requestIdleCallback === 'function') {
        const handle = requestIdleCallback(run, { timeout: 100 })
        pending = () => cancelIdleCallback(handle)
      } else {
        const handle = setTimeout(run, 0)
        pending = () => clearTimeout(handle)
      }
    },
    cancel() {
      pending?.()
      pending = null
    },
  }
}
