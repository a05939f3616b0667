/**
 * The content formats the API reads and writes: ProseMirror JSON, Markdown, HTML, plain text.
 */
import { Node as PMNode } from 'prosemirror-model'
import { documentToMarkdown, markdownToDocument } from '../../shared/content/markdown.ts'
import { documentToPlainText } from '../../shared/content/plain-text.ts'
import { schema } from '../../shared/schema.ts'
import { ApiError } from './api-error.ts'
import { documentToHtml, htmlToDocument } from './html-content.ts'

/** Every content format. */
export const CONTENT_FORMATS = ['json', 'markdown', 'html', 'text'] as const

/** A content format. */
export type ContentFormat = (typeof CONTENT_FORMATS)[number]

/** Media type of each format. */
export const MEDIA_TYPES: Record<ContentFormat, string> = {
  json: 'application/json',
  markdown: 'text/markdown',
  html: 'text/html',
  text: 'text/plain',
}

/** The format for a request media type, or `null`. */
export function formatForMediaType(type: string): ContentFormat | null {
  const entry = Object.entries(MEDIA_TYPES).find(([, media]) => media === type)
  return entry ? (entry[0] as ContentFormat) : null
}

/** Renders `doc` in `format` (JSON as a string). */
export function renderContent(format: ContentFormat, doc: PMNode): string {
  switch (format) {
    case 'json':
      return JSON.stringify(doc.toJSON())
    case 'markdown':
      return documentToMarkdown(doc)
    case 'html':
      return documentToHtml(doc)
    case 'text':
      return documentToPlainText(doc)
  }
}

/** Parses `text` in `format` into a document of the schema; throws `invalid-body` saying why not. */
export function parseContent(format: ContentFormat, text: string): PMNode {
  switch (format) {
    case 'markdown':
      return markdownToDocument(text)
    case 'html':
      return htmlToDocument(text)
    case 'text': {
      const paragraphs = text.split(/\r?\n\r?\n/).map((block) => schema.node('paragraph', null, block === '' ? [] : lines(block)))
      return schema.node('doc', null, paragraphs)
    }
    case 'json': {
      let value: unknown
      try {
        value = JSON.parse(text)
      } catch {
        throw new ApiError('invalid-body', 'body is not valid JSON')
      }
      try {
        const doc = PMNode.fromJSON(schema, value)
        doc.check()
        if (doc.type.name !== 'doc') throw new RangeError('the top node must be "doc"')
        return doc
      } catch (error) {
        throw new ApiError('invalid-body', `not a ProseMirror document of this schema: ${(error as Error).message}`)
      }
    }
  }
}

function lines(block: string): PMNode[] {
  const nodes: PMNode[] = []
  block.split(/\r?\n/).forEach((line, index) => {
    if (index > 0) nodes.push(schema.node('hardBreak'))
    if (line !== '') nodes.push(schema.text(line))
  })
  return nodes
}
