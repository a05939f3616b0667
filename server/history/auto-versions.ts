/**
 * Automatic versions: once a burst of editing settles (no change for `settleMs`), the document's
 * state is saved as an `auto` version, at most once per `minIntervalMs` per document. When a
 * document unloads before that, its state is kept in memory and saved on schedule (or at
 * shutdown), so closing a document neither loses history nor adds versions early.
 * Each version lists who changed the document since the previous one.
 */
import type { beforeUnloadDocumentPayload, Extension } from '@hocuspocus/server'
import * as Y from 'yjs'
import type { Author } from '../api/document-registry.ts'
import type { ChangeListener, DocumentChange } from '../changelog/change-tracking.ts'
import type { Logger } from '../log.ts'
import type { VersionStore } from './version-store.ts'

/** Tunables for {@link AutoVersions}. */
export interface AutoVersionOptions {
  /** Quiet time after the last change before a version is taken. Default 30,000 ms. */
  settleMs?: number
  /** Least time between two automatic versions of one document. Default 300,000 ms (5 min). */
  minIntervalMs?: number
}

interface Pending {
  /** The live document, or `null` once it unloaded (then `state` holds its last state). */
  ydoc: Y.Doc | null
  state: Uint8Array | null
  authors: Map<string, Author>
  timer: NodeJS.Timeout | null
}

/** Takes automatic versions of changed documents. */
export class AutoVersions {
  private readonly versions: VersionStore
  private readonly log: Logger
  private readonly settleMs: number
  private readonly minIntervalMs: number
  private readonly pending = new Map<string, Pending>()
  private readonly lastVersionAt = new Map<string, number>()
  private readonly saving = new Set<Promise<unknown>>()

  constructor(versions: VersionStore, log: Logger, options: AutoVersionOptions = {}) {
    this.versions = versions
    this.log = log
    this.settleMs = options.settleMs ?? 30_000
    this.minIntervalMs = options.minIntervalMs ?? 300_000
  }

  /** The change listener to register with change tracking. */
  readonly listener: ChangeListener = (change: DocumentChange) => {
    let entry = this.pending.get(change.document)
    if (!entry) {
      entry = { ydoc: change.ydoc, state: null, authors: new Map(), timer: null }
      this.pending.set(change.document, entry)
    }
    entry.ydoc = change.ydoc
    entry.state = null
    if (change.user) entry.authors.set(change.user.id, change.user)
    if (entry.timer) clearTimeout(entry.timer)
    const sinceLast = Date.now() - (this.lastVersionAt.get(change.document) ?? 0)
    const delay = Math.max(this.settleMs, this.minIntervalMs - sinceLast)
    entry.timer = setTimeout(() => this.take(change.document, 'after editing settled'), delay)
  }

  /** The extension that keeps a document's pending state when it unloads. */
  readonly extension: Extension = {
    extensionName: 'auto-versions',
    beforeUnloadDocument: async ({ documentName, document }: beforeUnloadDocumentPayload) => {
      const entry = this.pending.get(documentName)
      if (entry && entry.ydoc === document) {
        entry.state = Y.encodeStateAsUpdate(document)
        entry.ydoc = null
      }
    },
  }

  /** Pending authors of `document` since its last version (used by named versions too). */
  takeAuthors(document: string): Author[] {
    const entry = this.pending.get(document)
    if (!entry) return []
    if (entry.timer) clearTimeout(entry.timer)
    this.pending.delete(document)
    this.lastVersionAt.set(document, Date.now())
    return [...entry.authors.values()]
  }

  /** Forgets pending state of a deleted document. */
  forget(document: string): void {
    const entry = this.pending.get(document)
    if (entry?.timer) clearTimeout(entry.timer)
    this.pending.delete(document)
    this.lastVersionAt.delete(document)
  }

  /** Saves every pending version now and waits for all saves. */
  async flush(): Promise<void> {
    await Promise.all([...this.pending.keys()].map((document) => this.take(document, 'at shutdown')))
    while (this.saving.size > 0) await Promise.allSettled([...this.saving])
  }

  private take(document: string, why: string): Promise<void> {
    const entry = this.pending.get(document)
    if (!entry) return Promise.resolve()
    const authors = this.takeAuthors(document)
    const state = entry.ydoc ? Y.encodeStateAsUpdate(entry.ydoc) : entry.state
    if (!state) return Promise.resolve()
    const saving = this.versions
      .save({ document, kind: 'auto', label: `Saved automatically ${why}`, createdBy: null, authors, state })
      .then(
        () => undefined,
        (error: unknown) => this.log.error({ err: error, document }, 'automatic version failed'),
      )
    this.saving.add(saving)
    void saving.finally(() => this.saving.delete(saving))
    return saving
  }
}
