/**
 * What changed in a document since a version, attributed to authors: the current body as a list
 * of blocks whose text runs are marked `added` (with who wrote them) or `removed` (text the
 * version had that is gone now).
 *
 * Works on ordinary garbage-collected documents: Yjs item ids say which content is newer than the
 * version's state vector, and the client id of an insertion maps to a user through the change
 * log. Removed text is gone from the current document, so it is read from the version's state
 * by id. (Who removed text is not recorded by Yjs delete sets, so removals carry no author.)
 */
import * as Y from 'yjs'
import { schema } from '../../shared/schema.ts'
import { BODY_FRAGMENT } from '../../shared/protocol.ts'
import type { Author } from '../api/document-registry.ts'

/** How a run or block differs from the version. */
export interface Change {
  kind: 'added' | 'removed'
  /** Who added it; `null` when unknown (and always for removals). */
  author: Author | null
}

/** A stretch of text with one status. */
export interface ChangeRun {
  text: string
  change: Change | null
}

/** One textblock (paragraph, heading, code block, ...) or horizontal rule. */
export interface ChangeBlock {
  /** Node type name (`paragraph`, `heading`, ...). */
  type: string
  attrs: Record<string, unknown>
  /** How many container nodes (lists, quotes) enclose it. */
  depth: number
  /** Set when the whole block was added or removed. */
  change: Change | null
  runs: ChangeRun[]
}

/** Compares `current` with the `version` it descends from; see the module comment. */
export function changesSince(version: Y.Doc, current: Y.Doc, authors: ReadonlyMap<number, Author>): ChangeBlock[] {
  const sv = Y.decodeStateVector(Y.encodeStateVector(version))
  const context: Context = { version, sv, authors, blocks: [] }
  walkChildren(context, current.getXmlFragment(BODY_FRAGMENT), 0, null)
  return context.blocks
}

interface Context {
  version: Y.Doc
  sv: Map<number, number>
  authors: ReadonlyMap<number, Author>
  blocks: ChangeBlock[]
}

function boundary(context: Context, client: number): number {
  return context.sv.get(client) ?? 0
}

function added(context: Context, client: number): Change {
  return { kind: 'added', author: context.authors.get(client) ?? null }
}

const REMOVED: Change = { kind: 'removed', author: null }

/** Walks the items of a fragment or element whose children are blocks or containers. */
function walkChildren(context: Context, parent: Y.XmlFragment | Y.XmlElement, depth: number, inherited: Change | null): void {
  for (let item = parent._start; item !== null; item = item.right) {
    if (item.deleted) {
      if (inherited === null && item.id.clock < boundary(context, item.id.client)) {
        // Existed in the version and is gone now: render it from the version, as removed.
        const old = versionItem(context.version, item.id)
        if (old && !old.deleted && old.content instanceof Y.ContentType) walkNode(context, old.content.type, depth, REMOVED, true)
      }
      continue
    }
    if (!(item.content instanceof Y.ContentType)) continue
    const change = inherited ?? (item.id.clock >= boundary(context, item.id.client) ? added(context, item.id.client) : null)
    walkNode(context, item.content.type, depth, change, inherited !== null && inherited.kind === 'removed')
  }
}

function walkNode(context: Context, type: Y.AbstractType<unknown>, depth: number, change: Change | null, fromVersion: boolean): void {
  if (!(type instanceof Y.XmlElement)) return
  const nodeType = schema.nodes[type.nodeName]
  if (nodeType?.isTextblock || nodeType?.isLeaf) {
    const block: ChangeBlock = { type: type.nodeName, attrs: type.getAttributes(), depth, change, runs: [] }
    if (nodeType.isTextblock) collectRuns(context, type, block.runs, change, fromVersion)
    context.blocks.push(block)
    return
  }
  if (fromVersion) {
    for (const child of type.toArray()) walkNode(context, child as Y.AbstractType<unknown>, depth + 1, change, true)
    return
  }
  walkChildren(context, type, depth + 1, change)
}

/** Text runs of a textblock element: its XmlText children, and hard breaks as `\n`. */
function collectRuns(context: Context, element: Y.XmlElement, runs: ChangeRun[], blockChange: Change | null, fromVersion: boolean): void {
  for (let item = element._start; item !== null; item = item.right) {
    if (item.deleted || !(item.content instanceof Y.ContentType)) continue
    const child = item.content.type
    if (child instanceof Y.XmlText) collectText(context, child, runs, blockChange, fromVersion)
    else if (child instanceof Y.XmlElement) push(runs, '\n', blockChange ?? (fromVersion || item.id.clock < boundary(context, item.id.client) ? null : added(context, item.id.client)))
  }
}

function collectText(context: Context, text: Y.XmlText, runs: ChangeRun[], blockChange: Change | null, fromVersion: boolean): void {
  for (let item = text._start; item !== null; item = item.right) {
    if (!item.countable) continue // formatting marks
    const { client, clock } = item.id
    const end = clock + item.length
    const limit = boundary(context, client)
    if (fromVersion) {
      if (!item.deleted && item.content instanceof Y.ContentString) push(runs, item.content.str, blockChange)
      continue
    }
    if (item.deleted) {
      // Only the part that existed in the version was removed since it.
      if (blockChange === null && clock < limit) push(runs, versionText(context.version, client, clock, Math.min(end, limit)), REMOVED)
      continue
    }
    if (!(item.content instanceof Y.ContentString)) continue
    const str = item.content.str
    // Yjs merges consecutive insertions of one client into one item, so an item can straddle the version.
    const split = Math.max(0, Math.min(item.length, limit - clock))
    if (split > 0) push(runs, str.slice(0, split), blockChange)
    if (split < item.length) push(runs, str.slice(split), blockChange ?? added(context, client))
  }
}

function push(runs: ChangeRun[], text: string, change: Change | null): void {
  if (text === '') return
  const last = runs[runs.length - 1]
  if (last && sameChange(last.change, change)) last.text += text
  else runs.push({ text, change })
}

function sameChange(a: Change | null, b: Change | null): boolean {
  if (a === null || b === null) return a === b
  return a.kind === b.kind && a.author?.id === b.author?.id
}

function versionItem(version: Y.Doc, id: Y.ID): Y.Item | null {
  try {
    const struct = Y.getItem(version.store, id)
    return struct instanceof Y.Item ? struct : null
  } catch {
    return null
  }
}

/** The visible text the version held at ids `client:[from, to)`. */
function versionText(version: Y.Doc, client: number, from: number, to: number): string {
  let text = ''
  let clock = from
  while (clock < to) {
    const item = versionItem(version, Y.createID(client, clock))
    if (!item) break
    const offset = clock - item.id.clock
    const count = Math.min(item.length - offset, to - clock)
    if (!item.deleted && item.content instanceof Y.ContentString) text += item.content.str.slice(offset, offset + count)
    clock += count
  }
  return text
}
