/**
 * Plain text of a document: blocks separated by a blank line, hard breaks as newlines.
 */
import type { Node as PMNode } from 'prosemirror-model'

/** The text of `doc`, blocks separated by `\n\n`, hard breaks as `\n`. */
export function documentToPlainText(doc: PMNode): string {
  return doc.textBetween(0, doc.content.size, '\n\n', (leaf) => (leaf.type.name === 'hardBreak' ? '\n' : ''))
}
