/**
 * Yjs garbage collection that cannot wedge a live document.
 *
 * When a transaction deletes a type (an element, the meta map's value...), Yjs collects the whole
 * subtree in the transaction's cleanup and throws (`Unexpected case`) on a child that is not
 * deleted. A malformed update can leave exactly that (a deleted element still holding a live
 * attribute or child). The throw happens in the `finally` of Yjs's transaction cleanup, before the
 * document's list of pending cleanups is reset, and y-protocols logs and swallows it: from then on
 * every transaction on that document is applied but never cleaned up, so no `update` event fires
 * again. Nothing is broadcast, stored or checked any more, while Hocuspocus keeps acknowledging
 * edits (the fuzz test's "honest edit never reaches the reader"; SPEC SEC13).
 *
 * {@link collectable} is the document's `gcFilter`: it keeps (does not collect) a deleted item
 * whose subtree holds a live item. The item stays deleted; only its memory is not reclaimed.
 */
import * as Y from 'yjs'

/** `gcFilter` for live documents: false when collecting `item` would make Yjs throw. */
export function collectable(item: Y.Item): boolean {
  // Iterative: a hostile update may nest deeply.
  const types: Y.AbstractType<unknown>[] = []
  if (item.content instanceof Y.ContentType) types.push(item.content.type)
  while (types.length > 0) {
    const type = types.pop()!
    // What Yjs's ContentType.gc walks: the list children and every map key's chain of values.
    const walk = (child: Y.Item | null, next: (child: Y.Item) => Y.Item | null): boolean => {
      for (; child !== null; child = next(child)) {
        if (!child.deleted) return false
        if (child.content instanceof Y.ContentType) types.push(child.content.type)
      }
      return true
    }
    if (!walk(type._start, (child) => child.right)) return false
    for (const value of type._map.values()) if (!walk(value, (child) => child.left)) return false
  }
  return true
}
