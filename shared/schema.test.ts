import { describe, expect, it } from 'vitest'
import { DOMSerializer } from 'prosemirror-model'
import { schema } from './schema.ts'

describe('schema', () => {
  it('[SCHEMA1] uses Tiptap node and mark names so Tiptap tooling reads our documents', () => {
    for (const name of ['doc', 'paragraph', 'heading', 'blockquote', 'codeBlock', 'horizontalRule', 'bulletList', 'orderedList', 'listItem', 'taskList', 'taskItem', 'hardBreak', 'text']) {
      expect(schema.nodes[name], name).toBeDefined()
    }
    for (const name of ['bold', 'italic', 'underline', 'strike', 'code', 'link']) expect(schema.marks[name], name).toBeDefined()
  })
  it('[SCHEMA2] a link mark with a javascript: href renders without an href', () => {
    const unsafe = schema.marks.link!.create({ href: 'javascript:alert(1)' })
    const spec = schema.marks.link!.spec.toDOM!(unsafe, true) as [string, Record<string, string>]
    expect(spec[0]).toBe('a')
    expect(spec[1].href).toBeUndefined()
    const safe = schema.marks.link!.create({ href: 'https://example.com' })
    expect((schema.marks.link!.spec.toDOM!(safe, true) as [string, Record<string, string>])[1].href).toBe('https://example.com')
    expect(DOMSerializer).toBeDefined()
  })
})
