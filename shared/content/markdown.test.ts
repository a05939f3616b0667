import { describe, expect, it } from 'vitest'
import { documentToMarkdown, markdownToDocument } from './markdown.ts'
import { documentToPlainText } from './plain-text.ts'
import { schema } from '../schema.ts'

describe('Markdown conversion', () => {
  it('[API8] round-trips headings, marks, links, lists, code, quotes and rules', () => {
    const markdown = [
      '# Title',
      '',
      'Some **bold**, *italic*, ~~struck~~, `code` and a [link](https://example.com "tip").',
      '',
      '- one',
      '- two',
      '',
      '3. three',
      '4. four',
      '',
      '```ts',
      'const x = 1',
      '```',
      '',
      '> quoted',
      '',
      '---',
    ].join('\n')
    const doc = markdownToDocument(markdown)
    expect(doc.child(0).type.name).toBe('heading')
    expect(doc.child(2).type.name).toBe('bulletList')
    expect(doc.child(3).attrs.start).toBe(3)
    expect(doc.child(4).attrs.language).toBe('ts')
    expect(documentToMarkdown(doc)).toBe(markdown)
  })

  it('[LINK1] keeps unsafe link schemes as text, and never fails on markup outside the schema', () => {
    const doc = markdownToDocument('[x](javascript:alert(1)) ![img](https://e.com/a.png) <b>raw</b>\n\n| a | b |\n|---|---|\n| 1 | 2 |')
    expect(JSON.stringify(doc.toJSON())).not.toContain('"link"')
    expect(() => doc.check()).not.toThrow()
    expect(documentToPlainText(doc)).toContain('| a | b |')
  })

  it('[API8] maps deep headings to level 3 and writes task lists as checkbox items', () => {
    expect(markdownToDocument('##### deep').child(0).attrs.level).toBe(3)
    const tasks = schema.node('doc', null, [
      schema.node('taskList', null, [
        schema.node('taskItem', { checked: true }, [schema.node('paragraph', null, [schema.text('done')])]),
        schema.node('taskItem', { checked: false }, [schema.node('paragraph', null, [schema.text('todo')])]),
      ]),
    ])
    expect(documentToMarkdown(tasks)).toBe('- [x] done\n- [ ] todo')
    expect(documentToMarkdown(markdownToDocument(''))).toBe('')
  })
})
