/**
 * Random edits on the document body (`Y.XmlFragment` "default") as y-prosemirror stores them,
 * within the schema (shared/schema.ts): a flat list of `paragraph` and `heading` elements, each
 * holding one `Y.XmlText` whose formatting attributes are marks (`bold`, `italic`, ...).
 * Split and join move text between blocks the way ProseMirror's splitBlock / joinBackward do.
 */
import * as prng from 'lib0/prng'
import * as Y from 'yjs'
import { BODY_FRAGMENT } from '../../shared/protocol.ts'

const MARKS = ['bold', 'italic', 'underline', 'strike', 'code'] as const
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz '

/** Kinds of edit, for counting. */
export type EditKind = 'insert' | 'delete' | 'format' | 'split' | 'join' | 'heading'

type Delta = { insert: string | object; attributes?: Record<string, unknown> }[]

function textOf(block: Y.XmlElement): Y.XmlText {
  const child = block.get(0)
  if (child instanceof Y.XmlText) return child
  // Never produced by these edits; guard so a broken invariant fails loudly.
  throw new Error(`block ${block.nodeName} has no text child`)
}

function newBlock(kind: 'paragraph' | 'heading', level = 1): Y.XmlElement {
  const block = new Y.XmlElement(kind)
  if (kind === 'heading') block.setAttribute('level', level as unknown as string)
  block.insert(0, [new Y.XmlText()])
  return block
}

/** Delta of `text` from `from` to its end. */
function tail(text: Y.XmlText, from: number): Delta {
  const result: Delta = []
  let position = 0
  for (const op of text.toDelta() as Delta) {
    const length = typeof op.insert === 'string' ? op.insert.length : 1
    if (position + length > from) {
      const start = Math.max(0, from - position)
      result.push({ ...op, insert: typeof op.insert === 'string' ? op.insert.slice(start) : op.insert })
    }
    position += length
  }
  return result
}

/** Applies one random edit to `ydoc` in one transaction and says which kind it was. */
export function randomEdit(ydoc: Y.Doc, random: prng.PRNG): EditKind {
  const body = ydoc.getXmlFragment(BODY_FRAGMENT)
  let kind: EditKind = 'insert'
  ydoc.transact(() => {
    if (body.length === 0) body.insert(0, [newBlock('paragraph')])
    const index = prng.int32(random, 0, body.length - 1)
    const block = body.get(index) as Y.XmlElement
    const text = textOf(block)
    const roll = prng.real53(random)
    if (roll < 0.45 || text.length === 0) {
      kind = 'insert'
      const word = Array.from({ length: prng.int32(random, 1, 6) }, () => ALPHABET[prng.int32(random, 0, ALPHABET.length - 1)]).join('')
      const marks = prng.bool(random) ? {} : { [MARKS[prng.int32(random, 0, MARKS.length - 1)]!]: {} }
      text.insert(prng.int32(random, 0, text.length), word, marks)
    } else if (roll < 0.65) {
      kind = 'delete'
      const at = prng.int32(random, 0, text.length - 1)
      text.delete(at, prng.int32(random, 1, Math.min(5, text.length - at)))
    } else if (roll < 0.8) {
      kind = 'format'
      const at = prng.int32(random, 0, text.length - 1)
      const mark = MARKS[prng.int32(random, 0, MARKS.length - 1)]!
      text.format(at, prng.int32(random, 1, text.length - at), { [mark]: prng.bool(random) ? {} : null })
    } else if (roll < 0.9) {
      kind = 'split'
      const at = prng.int32(random, 0, text.length)
      const moved = tail(text, at)
      text.delete(at, text.length - at)
      const next = newBlock('paragraph')
      body.insert(index + 1, [next])
      textOf(next).applyDelta(moved)
    } else if (roll < 0.97 && index + 1 < body.length) {
      kind = 'join'
      const next = body.get(index + 1) as Y.XmlElement
      const moved = tail(textOf(next), 0)
      const end = text.length
      body.delete(index + 1, 1)
      text.applyDelta(end > 0 ? [{ retain: end } as never, ...moved] : moved)
    } else {
      kind = 'heading'
      const replacement = block.nodeName === 'heading' ? newBlock('paragraph') : newBlock('heading', prng.int32(random, 1, 3))
      const moved = tail(text, 0)
      body.delete(index, 1)
      body.insert(index, [replacement])
      textOf(replacement).applyDelta(moved)
    }
  })
  return kind
}

/** A comparable rendering of the body: element names, attributes, text and marks. */
export function bodySnapshot(ydoc: Y.Doc): string {
  return ydoc.getXmlFragment(BODY_FRAGMENT).toJSON()
}
