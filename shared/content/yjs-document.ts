/**
 * Between a Yjs document's body ({@link BODY_FRAGMENT}) and ProseMirror documents of our schema.
 */
import type { Node as PMNode } from 'prosemirror-model'
import { updateYFragment, yXmlFragmentToProseMirrorRootNode } from 'y-prosemirror'
import type * as Y from 'yjs'
import { BODY_FRAGMENT, META_MAP, TITLE_KEY } from '../protocol.ts'
import { schema } from '../schema.ts'

/** The body of `ydoc` as a ProseMirror document (an empty paragraph when the body is empty). */
export function bodyDocument(ydoc: Y.Doc): PMNode {
  const fragment = ydoc.getXmlFragment(BODY_FRAGMENT)
  if (fragment.length === 0) return schema.node('doc', null, [schema.node('paragraph')])
  return yXmlFragmentToProseMirrorRootNode(fragment, schema)
}

/** The title in `ydoc`'s meta map, or `''`. */
export function documentTitle(ydoc: Y.Doc): string {
  const title = ydoc.getMap(META_MAP).get(TITLE_KEY)
  return typeof title === 'string' ? title : ''
}

/**
 * Makes `ydoc`'s body equal `doc` with the smallest change y-prosemirror finds (it diffs by
 * node, then by text), so concurrent edits to parts that did not change survive the merge.
 * Call inside a transaction whose origin the caller chooses (for undo tracking).
 */
export function replaceBody(ydoc: Y.Doc, doc: PMNode): void {
  const fragment = ydoc.getXmlFragment(BODY_FRAGMENT)
  updateYFragment(ydoc, fragment, doc, { mapping: new Map(), isOMark: new Map() })
}
