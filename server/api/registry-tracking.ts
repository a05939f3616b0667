/**
 * Keeps the documents registry's "last changed by, at" and title copy current: one write per
 * changed document per event-loop turn, however many updates arrived in it.
 */
import { documentTitle } from '../../shared/content/yjs-document.ts'
import type { ChangeListener } from '../changelog/change-tracking.ts'
import type { Logger } from '../log.ts'
import type { Author, DocumentRegistry } from './document-registry.ts'

/** A change listener updating `registry`, with `flushed()` for readers that must see its writes. */
export function registryTracking(registry: DocumentRegistry, log: Logger): { listener: ChangeListener; flushed(): Promise<void> } {
  let latest = new Map<string, { at: Date; user: Author | null; title: string }>()
  let flushing: Promise<void> | null = null
  const flush = async () => {
    const batch = latest
    latest = new Map()
    for (const [name, change] of batch) {
      if (registry.isDeleted(name)) continue
      await registry.touch(name, change.at, change.user, change.title).catch((error: unknown) => log.error({ err: error, document: name }, 'registry update failed'))
    }
    flushing = latest.size > 0 ? new Promise((resolve) => setImmediate(resolve)).then(flush) : null
  }
  return {
    listener(change) {
      const previous = latest.get(change.document)
      // A change without a user (e.g. a server-side tool) keeps the last known author.
      latest.set(change.document, { at: change.at, user: change.user ?? previous?.user ?? null, title: documentTitle(change.ydoc) })
      flushing ??= new Promise((resolve) => setImmediate(resolve)).then(flush)
    },
    async flushed() {
      while (flushing) await flushing
    },
  }
}
