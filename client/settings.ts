/**
 * Client timings. Defaults suit people; tests shorten them by defining `window.collabSettings`
 * before the app loads (e.g. with Playwright's `addInitScript`).
 */

import type { TransportSelectorOptions } from './sync/http-fallback/transport-selector.ts'

/** Tunable client timings, in milliseconds. */
export interface ClientSettings {
  /** No input for this long (or a hidden tab for a tenth of it) marks the user away. Default 60 s. */
  awayAfterMs: number
  /** Failed connection attempts in a row before the status says "server unreachable". Default 2. */
  unreachableAfterFailures: number
  /** WebSocket / HTTP fallback selection (timeouts, probing, or a forced `mode`). Default: automatic. */
  transport: Partial<TransportSelectorOptions>
  /** Documents of at least this many top-level blocks display only those near the viewport [EDIT7]. Default 2,000. */
  windowedRenderingMinBlocks: number
}

const DEFAULTS: ClientSettings = { awayAfterMs: 60_000, unreachableAfterFailures: 2, transport: {}, windowedRenderingMinBlocks: 2_000 }

/** The settings in force: defaults overlaid with `window.collabSettings`. */
export function clientSettings(): ClientSettings {
  const overrides = (globalThis as { collabSettings?: Partial<ClientSettings> }).collabSettings ?? {}
  return { ...DEFAULTS, ...overrides }
}
