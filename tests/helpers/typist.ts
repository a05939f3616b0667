/**
 * A client typing steadily into the first paragraph, one numbered token per transaction, that
 * counts how many of its edits the server acknowledged (the sync-status messages the provider
 * counts in `unsyncedChanges`; the server sends them in order, see DurableAckSocket).
 */
import * as prng from 'lib0/prng'
import type * as Y from 'yjs'
import { paragraphText, type TestClient } from './clients.ts'

/** Token `i` as typed: unique and self-delimiting, so a stored text shows which edits landed. */
export function token(i: number): string {
  return `${i};`
}

/** The text edits `0..count-1` produce. */
export function typedText(count: number): string {
  let text = ''
  for (let i = 0; i < count; i++) text += token(i)
  return text
}

/** How many leading tokens `text` holds, or -1 when it is not exactly `typedText(n)` for some n. */
export function tokensIn(text: string): number {
  if (text === '') return 0
  const parts = text.split(';')
  if (parts.pop() !== '') return -1
  for (let i = 0; i < parts.length; i++) if (parts[i] !== String(i)) return -1
  return parts.length
}

/** A running typist. */
export interface Typist {
  /** Edits made so far. */
  readonly typed: number
  /** Edits the server acknowledged, counted up to the moment of {@link Typist.stop}. */
  readonly acknowledged: number
  /** Stops typing and freezes the counts (call when the connection closed). */
  stop(): void
  /** Resolves when the typing loop has ended. */
  readonly done: Promise<void>
}

/**
 * Starts typing into `client` (which must be synced with nothing unsaved) until stopped or
 * `maxEdits` is reached; pauses 0-`maxPauseMs` ms between bursts of 1-`maxBurst` edits.
 */
export function startTypist(
  client: TestClient,
  random: prng.PRNG,
  options: { maxEdits?: number; maxBurst?: number; maxPauseMs?: number; text?: Y.XmlText } = {},
): Typist {
  const { provider } = client
  const text = options.text ?? paragraphText(client.ydoc)
  if (!provider.synced || provider.unsyncedChanges !== 0) {
    throw new Error('start typing on a synced client with nothing unsaved (create the paragraph and wait for saved first)')
  }
  const maxEdits = options.maxEdits ?? 100_000
  let typed = 0
  let acknowledged = 0
  let stopped = false
  // The provider emits on every increment (our edit) and decrement (an acknowledgement).
  const observe = () => {
    if (stopped) return
    acknowledged = Math.max(acknowledged, typed - provider.unsyncedChanges)
  }
  provider.on('unsyncedChanges', observe)
  const done = (async () => {
    while (!stopped && typed < maxEdits) {
      const burst = prng.int32(random, 1, options.maxBurst ?? 5)
      for (let i = 0; i < burst && !stopped && typed < maxEdits; i++) {
        typed++
        text.insert(text.length, token(typed - 1))
      }
      await new Promise((resolve) => setTimeout(resolve, prng.int32(random, 0, options.maxPauseMs ?? 4)))
    }
  })()
  return {
    get typed() {
      return typed
    },
    get acknowledged() {
      return acknowledged
    },
    stop() {
      observe()
      stopped = true
      provider.off('unsyncedChanges', observe)
    },
    done,
  }
}
