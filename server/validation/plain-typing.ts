/**
 * Recognises the update nearly every keystroke sends: characters inserted into, or deleted from,
 * texts the document already has. Such an update cannot add content outside the schema (a text
 * holds any characters), so it needs no trip through the validation copy; the copy took ~12% of
 * the server's CPU while the automerge-paper trace was typed, and as much memory as the document.
 *
 * The judgement is conservative: it decides from the decoded structs and the live document the
 * way Yjs will integrate them (an item with a left origin joins its origin's parent; one with only
 * a right origin joins that one's parent), and anything it does not positively recognise (a new
 * element or text, formatting, attributes, a struct or deletion the server does not have the
 * dependencies of, an item whose position is garbage-collected) is left to the full check.
 */
import * as Y from 'yjs'

/** True when `update` only inserts characters into existing texts and deletes characters. */
export function isPlainTyping(doc: Y.Doc, update: Uint8Array): boolean {
  let decoded: { structs: Array<Y.Item | Y.GC | Y.Skip>; ds: { clients: Map<number, { clock: number; len: number }[]> } }
  try {
    decoded = Y.decodeUpdate(update) as typeof decoded
  } catch {
    return false
  }
  // Clock ranges of this update's structs already recognised as characters, per client.
  const typed = new Map<number, { start: number; end: number }>()
  for (const struct of decoded.structs) {
    if (!(struct instanceof Y.Item) || !(struct.content instanceof Y.ContentString)) return false
    // Only items without origins carry their parent explicitly: a new position in a type.
    if (struct.parent !== null) return false
    const { client, clock } = struct.id
    const run = typed.get(client)
    // Contiguous with what the server has: nothing would wait for missing changes.
    if (clock !== (run ? run.end : Y.getState(doc.store, client))) return false
    const anchor = struct.origin ?? struct.rightOrigin
    if (anchor === null || !isCharacterPosition(doc, typed, anchor)) return false
    if (struct.origin && struct.rightOrigin && !isCharacterPosition(doc, typed, struct.rightOrigin)) return false
    typed.set(client, { start: run ? run.start : clock, end: clock + struct.length })
  }
  for (const [client, deletions] of decoded.ds.clients) {
    for (const { clock, len } of deletions) if (!deletesOnlyCharacters(doc, typed.get(client), client, clock, clock + len)) return false
  }
  return true
}

/** Whether `id` is a character in one of `doc`'s texts (an item of a text's list), or one this update types. */
function isCharacterPosition(doc: Y.Doc, typed: ReadonlyMap<number, { start: number; end: number }>, id: Y.ID): boolean {
  const run = typed.get(id.client)
  if (run && id.clock >= run.start && id.clock < run.end) return true
  if (id.clock >= Y.getState(doc.store, id.client)) return false
  const structs = doc.store.clients.get(id.client)!
  const item = structs[Y.findIndexSS(structs, id.clock)]
  return item instanceof Y.Item && item.parent instanceof Y.XmlText && item.parentSub === null
}

/** Whether deleting clocks [from, to) of `client` removes only characters and formatting. */
function deletesOnlyCharacters(doc: Y.Doc, run: { start: number; end: number } | undefined, client: number, from: number, to: number): boolean {
  // The part this update types itself is characters.
  if (run && from >= run.start) return to <= run.end
  const known = Y.getState(doc.store, client)
  if (to > (run && run.start === known ? run.end : known)) return false
  const structs = doc.store.clients.get(client)
  if (!structs) return false
  for (let index = Y.findIndexSS(structs, from); index < structs.length; index++) {
    const struct = structs[index]!
    if (struct.id.clock >= Math.min(to, known)) break
    if (struct instanceof Y.GC) continue
    const content = (struct as Y.Item).content
    if (!(content instanceof Y.ContentString || content instanceof Y.ContentFormat || content instanceof Y.ContentDeleted)) return false
  }
  return true
}
