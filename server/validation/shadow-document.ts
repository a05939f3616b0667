/**
 * A validation copy of one live document. An incoming update is applied here first; the structs
 * it added are checked against the content rules; only then may Hocuspocus apply it for real.
 *
 * The copy follows the live document lazily: updates it has not checked itself (other
 * instances', the REST API's, and plain typing accepted without it, see plain-typing.ts) wait in
 * a backlog that is applied just before the next check, so a stream of keystrokes costs no copy
 * work at all. A backlog past {@link MAX_BACKLOG_BYTES} drops the copy instead; it is rebuilt
 * from the live document on next use. Checking walks only the structs the update inserted
 * (between the transaction's before- and after-state), so its cost follows the size of the
 * update, not of the document. After a refused update the copy holds content the live document
 * does not: it is thrown away and rebuilt likewise. A copy that judged nothing for
 * {@link SHADOW_IDLE_MS} is dropped too (an open document nobody restructures then holds one Yjs
 * document, not two) and rebuilt the same way when an update needs it again.
 */
import * as Y from 'yjs'
import { ALLOWED_ROOTS, TEXT_CHILD, attributeProblem, childProblem, elementProblem, markProblem, metaProblem } from '../../shared/content-rules.ts'
import { BODY_FRAGMENT, META_MAP } from '../../shared/protocol.ts'

/** Why an update was refused. */
export interface ContentProblem {
  /** `malformed`: Yjs could not apply it; `invalid`: it would add content outside the schema. */
  kind: 'malformed' | 'invalid'
  detail: string
}

const VALIDATING = Symbol('validating')

/** Backlog size past which the copy is dropped and later rebuilt, rather than caught up. */
export const MAX_BACKLOG_BYTES = 1024 * 1024

/**
 * A copy unused this long is dropped. Rebuilding costs one encode and apply of the document (a
 * few ms for a large one), so a copy is kept while someone restructures, not while it idles.
 */
export const SHADOW_IDLE_MS = 30_000

/** Options for {@link ShadowDocument}. */
export interface ShadowOptions {
  /**
   * True for the live document's transactions that apply an update this copy checked (and so
   * already holds): following them again would only cost time. Default: none.
   */
  alreadyChecked?: (origin: unknown) => boolean
  /** Drop the copy after this long without a check. Default {@link SHADOW_IDLE_MS}. */
  idleMs?: number
}

/** The validation copy of `source`. Call {@link ShadowDocument.destroy} when the source unloads. */
export class ShadowDocument {
  private copy: Y.Doc | null = null
  private backlog: Uint8Array[] = []
  private backlogBytes = 0
  private readonly source: Y.Doc
  private readonly alreadyChecked: (origin: unknown) => boolean
  private readonly idleMs: number
  private idleTimer: NodeJS.Timeout | null = null
  private readonly follow = (update: Uint8Array, origin: unknown) => {
    if (!this.alreadyChecked(origin)) this.accepted(update)
  }

  constructor(source: Y.Doc, options: ShadowOptions = {}) {
    this.source = source
    this.alreadyChecked = options.alreadyChecked ?? (() => false)
    this.idleMs = options.idleMs ?? SHADOW_IDLE_MS
    source.on('update', this.follow)
  }

  /** Whether a copy is held now (it is built on the next {@link check} otherwise). */
  get holdsCopy(): boolean {
    return this.copy !== null
  }

  /** Applies `update` to the copy and returns the first problem with what it adds, or `null`. */
  check(update: Uint8Array): ContentProblem | null {
    const copy = this.current()
    let before: Map<number, number> | null = null
    let after: Map<number, number> | null = null
    const capture = (transaction: Y.Transaction) => {
      if (transaction.origin !== VALIDATING) return
      before = transaction.beforeState
      after = transaction.afterState
    }
    copy.on('afterTransaction', capture)
    const hadPending = hasPending(copy)
    let problem: ContentProblem | null
    try {
      Y.applyUpdate(copy, update, VALIDATING)
      // Structs waiting for missing dependencies would be checked only when some later update
      // (perhaps another user's) completes them: refuse them now instead.
      problem = !hadPending && hasPending(copy) ? invalid('update depends on changes the server does not have') : this.inspect(copy, before, after)
    } catch (error) {
      problem = { kind: 'malformed', detail: `update cannot be applied (${error instanceof Error ? error.message.slice(0, 60) : 'error'})` }
    } finally {
      copy.off('afterTransaction', capture)
    }
    if (problem) this.discard()
    else this.keepFor(this.idleMs)
    return problem
  }

  /** Notes that the live document applies `update` without this copy having checked it. */
  accepted(update: Uint8Array): void {
    if (!this.copy) return
    this.backlog.push(update)
    this.backlogBytes += update.byteLength
    if (this.backlogBytes > MAX_BACKLOG_BYTES) this.discard()
  }

  /** Stops following the source and frees the copy. */
  destroy(): void {
    this.source.off('update', this.follow)
    this.discard()
  }

  /** (Re)starts the countdown after which an unused copy is dropped. */
  private keepFor(ms: number): void {
    if (this.idleTimer) this.idleTimer.refresh()
    else this.idleTimer = setTimeout(() => this.discard(), ms).unref()
  }

  private discard(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    this.copy?.destroy()
    this.copy = null
    this.backlog = []
    this.backlogBytes = 0
  }

  /** The copy, caught up with the live document. */
  private current(): Y.Doc {
    if (this.copy && this.backlog.length > 0) {
      const copy = this.copy
      const backlog = this.backlog
      this.backlog = []
      this.backlogBytes = 0
      try {
        copy.transact(() => {
          for (const update of backlog) Y.applyUpdate(copy, update)
        })
      } catch {
        this.discard()
      }
    }
    return (this.copy ??= this.rebuild())
  }

  private rebuild(): Y.Doc {
    const copy = new Y.Doc({ gc: this.source.gc })
    // Typed roots first, so remote items land in an XmlFragment and a Map, not a bare AbstractType.
    copy.getXmlFragment(BODY_FRAGMENT)
    copy.getMap(META_MAP)
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(this.source))
    return copy
  }

  private inspect(copy: Y.Doc, before: Map<number, number> | null, after: Map<number, number> | null): ContentProblem | null {
    for (const key of copy.share.keys()) {
      if (!Object.hasOwn(ALLOWED_ROOTS, key)) return invalid(`unknown root type "${key.slice(0, 40)}"`)
    }
    if (!before || !after) return null
    for (const [client, end] of after as Map<number, number>) {
      const start = (before as Map<number, number>).get(client) ?? 0
      if (end <= start) continue
      const structs = copy.store.clients.get(client)
      if (!structs) continue
      for (let index = Y.findIndexSS(structs, start); index < structs.length; index++) {
        const struct = structs[index]!
        if (struct.id.clock >= end) break
        if (struct instanceof Y.Item) {
          if (crossLinked(struct)) return { kind: 'malformed', detail: 'update re-sends a known struct so that its new part lands beside an item of another parent' }
          const problem = itemProblem(struct)
          if (problem) return invalid(problem)
        }
      }
    }
    return null
  }
}

/**
 * True when `item` sits beside an item of another parent (or another map key). Yjs builds this
 * from a crafted update that re-sends a struct the document partly has: it integrates only the
 * unknown part, with the struct before it by clock as left neighbour, even when that struct
 * belongs elsewhere (the fuzz finding: a text run spliced into a heading's `level` attribute
 * chain). Such a document is inconsistent (a map value with a live item to its right, a run
 * counted in a text's length but not in its list), and its encoding does not reproduce it: a copy
 * rebuilt from it holds other content (there, the run becomes the heading's `level`) that nobody
 * checked. Honest re-sends never do this: one struct's clocks share one parent.
 */
function crossLinked(item: Y.Item): boolean {
  for (const neighbour of [item.left, item.right]) {
    if (neighbour !== null && (neighbour.parent !== item.parent || neighbour.parentSub !== item.parentSub)) return true
  }
  return false
}

function hasPending(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null
}

function invalid(detail: string): ContentProblem {
  return { kind: 'invalid', detail }
}

/** The problem with one inserted item, judged by where it sits and what it holds. */
function itemProblem(item: Y.Item): string | null {
  const content = item.content
  if (content instanceof Y.ContentDeleted) return null
  const parent = item.parent
  if (!(parent instanceof Y.AbstractType)) return null // integrated as garbage: never visible
  const key = item.parentSub
  if (parent instanceof Y.XmlText) {
    if (key !== null) return 'text may not have attributes'
    if (content instanceof Y.ContentString) return null
    if (content instanceof Y.ContentFormat) return markProblem(elementName(parent.parent), content.key, content.value)
    return 'text may hold only characters and formatting'
  }
  if (parent instanceof Y.XmlElement || (parent instanceof Y.XmlFragment && parent._item === null)) {
    const parentName = parent instanceof Y.XmlElement ? parent.nodeName : null
    if (key !== null) {
      if (parentName === null) return 'the body may not have attributes'
      if (!(content instanceof Y.ContentAny) || content.arr.length !== 1) return `attribute "${key.slice(0, 40)}" must be a plain value`
      return attributeProblem(parentName, key, content.arr[0])
    }
    if (!(content instanceof Y.ContentType)) return `"${parentName ?? 'doc'}" may hold only elements and text`
    const child = content.type
    if (child instanceof Y.XmlText) return childProblem(parentName, TEXT_CHILD)
    if (child instanceof Y.XmlElement) return elementProblem(child.nodeName) ?? childProblem(parentName, child.nodeName)
    return `"${parentName ?? 'doc'}" may hold only elements and text`
  }
  if (parent instanceof Y.Map && parent._item === null) {
    if (key === null) return 'the meta map holds only keys'
    if (!(content instanceof Y.ContentAny) || content.arr.length !== 1) return `meta "${key.slice(0, 40)}" must be a plain value`
    return metaProblem(key, content.arr[0])
  }
  return 'content outside the body and meta map'
}

/** Node name of the element holding a text, or `null` for the body fragment. */
function elementName(parent: Y.AbstractType<unknown> | null): string | null {
  return parent instanceof Y.XmlElement ? parent.nodeName : null
}
