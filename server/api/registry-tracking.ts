/**
 * Keeps the documents registry's "last changed by, at" and title copy current: one write per
 * changed document per {@link WRITE_WINDOW_MS}, however many updates arrived in it, all in one
 * transaction (see write-window.ts).
 */
import { documentTitle } from '../../shared/content/yjs-document.ts'
import type { ChangeListener } from '../changelog/change-tracking.ts'
import { WRITE_WINDOW_MS } from '../changelog/change-log.ts'
import { WriteWindow } from '../db/write-window.ts'
import type { Logger } from '../log.ts'
import type { Author, DocumentRegistry, RegistryTouch } from './document-registry.ts'

/** A change listener updating `registry`, with `flushed()` for readers that must see its writes. */
export function registryTracking(registry: DocumentRegistry, log: Logger): { listener: ChangeListener; flushed(): Promise<void> } {
  let latest = new Map<string, { at: Date; user: Author | null; title: string }>()
  const window = new WriteWindow(async () => {
    const batch: RegistryTouch[] = []
    for (const [name, change] of latest) if (!registry.isDeleted(name)) batch.push({ name, at: change.at, by: change.user, title: change.title })
    latest = new Map()
    await registry.touchAll(batch).catch((error: unknown) => log.error({ err: error, documents: batch.length }, 'registry update failed'))
  }, WRITE_WINDOW_MS)
  return {
    listener(change) {
      const previous = latest.get(change.document)
      // A change without a user (e.g. a server-side tool) keeps the last known author.
      latest.set(change.document, { at: change.at, user: change.user ?? previous?.user ?? null, title: documentTitle(change.ydoc) })
      window.schedule()
    },
    flushed() {
      return window.flushed()
    },
  }
}
