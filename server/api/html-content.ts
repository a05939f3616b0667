/**
 * HTML to and from documents of our schema, on the server.
 *
 * ProseMirror's own `DOMSerializer` and `DOMParser` (driven by the schema's `toDOM`/`parseDOM`
 * rules, so HTML means the same as pasted HTML in the editor) need a DOM; `linkedom` provides a
 * small standards-following one without a browser. Unknown elements keep only their text; scripts
 * and styles are ignored; unsafe link hrefs are dropped [SCHEMA2].
 */
import { parseHTML } from 'linkedom'
import { DOMParser, DOMSerializer, type Node as PMNode } from 'prosemirror-model'
import { schema } from '../../shared/schema.ts'

const serializer = DOMSerializer.fromSchema(schema)
const parser = DOMParser.fromSchema(schema)

/** Serialises `doc`'s content to an HTML fragment. */
export function documentToHtml(doc: PMNode): string {
  const { document } = parseHTML('<!doctype html><html><body></body></html>')
  const container = document.createElement('div')
  container.appendChild(serializer.serializeFragment(doc.content, { document: document as unknown as Document }) as unknown as Node)
  return container.innerHTML
}

/** Parses an HTML fragment (or page) into a document of our schema. */
export function htmlToDocument(html: string): PMNode {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`)
  const doc = parser.parse(document.body as unknown as globalThis.Node)
  return doc.childCount > 0 ? doc : schema.node('doc', null, [schema.node('paragraph')])
}
