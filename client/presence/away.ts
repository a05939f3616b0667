/**
 * Idle detection: the local user becomes "away" after a while without keyboard, pointer or focus
 * activity, or soon after their tab is hidden; any activity brings them back [PRES3].
 */

/** Watches activity and reports away/back changes; returns a function that stops watching. */
export function watchAway(awayAfterMs: number, onChange: (away: boolean) => void): () => void {
  let away = false
  let timer: ReturnType<typeof setTimeout> | null = null
  const set = (value: boolean) => {
    if (value === away) return
    away = value
    onChange(value)
  }
  const schedule = (delay: number) => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => set(true), delay)
  }
  const active = () => {
    set(false)
    schedule(document.hidden ? Math.ceil(awayAfterMs / 10) : awayAfterMs)
  }
  const visibility = () => (document.hidden ? schedule(Math.ceil(awayAfterMs / 10)) : active())
  const events = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'focus'] as const
  for (const name of events) window.addEventListener(name, active, { passive: true, capture: true })
  document.addEventListener('visibilitychange', visibility)
  schedule(awayAfterMs)
  return () => {
    if (timer) clearTimeout(timer)
    for (const name of events) window.removeEventListener(name, active, { capture: true })
    document.removeEventListener('visibilitychange', visibility)
  }
}
