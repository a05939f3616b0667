/**
 * Markdown to and from documents of our schema (Tiptap node names), with prosemirror-markdown
 * and markdown-it (CommonMark plus strikethrough).
 *
 * What Markdown cannot say is simplified: underline is dropped, task items become `- [ ]` /
 * `- [x]` list lines (and parse back as plain bullet items), images and tables in imported
 * Markdown are not part of the schema and stay as text. Links with a scheme other than
 * http(s)/mailto are not turned into links [LINK1].
 */
import MarkdownIt from 'markdown-it'
import type { Node as PMNode } from 'prosemirror-model'
import { defaultMarkdownSerializer, MarkdownParser, MarkdownSerializer, type MarkdownSerializerState } from 'prosemirror-markdown'
import { safeHref } from '../links.ts'
import { schema } from '../schema.ts'

const base = defaultMarkdownSerializer

const serializer = new MarkdownSerializer(
  {
    doc: (state, node) => state.renderContent(node),
    paragraph: base.nodes.paragraph!,
    heading: base.nodes.heading!,
    blockquote: base.nodes.blockquote!,
    horizontalRule: base.nodes.horizontal_rule!,
    bulletList: (state, node) => state.renderList(node, '  ', () => '- '),
    orderedList: (state, node) => {
      const start = Number(node.attrs.start) || 1
      const width = String(start + node.childCount - 1).length
      state.renderList(node, ' '.repeat(width + 2), (i) => {
        const number = String(start + i)
        return ' '.repeat(width - number.length) + number + '. '
      })
    },
    listItem: base.nodes.list_item!,
    taskList: (state, node) => state.renderList(node, '  ', (i) => (node.child(i).attrs.checked ? '- [x] ' : '- [ ] ')),
    taskItem: base.nodes.list_item!,
    codeBlock: (state: MarkdownSerializerState, node: PMNode) => {
      const backticks = node.textContent.match(/`{3,}/gm)
      const fence = backticks ? backticks.sort().slice(-1)[0] + '`' : '```'
      state.write(fence + (typeof node.attrs.language === 'string' ? node.attrs.language : '') + '\n')
      state.text(node.textContent, false)
      state.write('\n')
      state.write(fence)
      state.closeBlock(node)
    },
    hardBreak: base.nodes.hard_break!,
    text: base.nodes.text!,
  },
  {
    italic: base.marks.em!,
    bold: base.marks.strong!,
    link: base.marks.link!,
    code: base.marks.code!,
    strike: { open: '~~', close: '~~', mixable: true, expelEnclosingWhitespace: true },
    underline: { open: '', close: '' },
  },
)

const markdownIt = new MarkdownIt('commonmark', { html: false }).enable('strikethrough')
// Links with unsafe schemes stay text instead of becoming link marks.
markdownIt.validateLink = (url: string) => safeHref(url) !== null

const parser = new MarkdownParser(schema, markdownIt, {
  blockquote: { block: 'blockquote' },
  paragraph: { block: 'paragraph' },
  list_item: { block: 'listItem' },
  bullet_list: { block: 'bulletList' },
  ordered_list: { block: 'orderedList', getAttrs: (token) => ({ start: Number(token.attrGet('start')) || 1 }) },
  heading: { block: 'heading', getAttrs: (token) => ({ level: Math.min(3, Number(token.tag.slice(1)) || 1) }) },
  code_block: { block: 'codeBlock', noCloseToken: true },
  fence: { block: 'codeBlock', getAttrs: (token) => ({ language: token.info.trim() || null }), noCloseToken: true },
  hr: { node: 'horizontalRule' },
  hardbreak: { node: 'hardBreak' },
  image: { ignore: true, noCloseToken: true },
  html_block: { ignore: true, noCloseToken: true },
  html_inline: { ignore: true, noCloseToken: true },
  em: { mark: 'italic' },
  strong: { mark: 'bold' },
  s: { mark: 'strike' },
  link: { mark: 'link', getAttrs: (token) => ({ href: token.attrGet('href'), title: token.attrGet('title') || null }) },
  code_inline: { mark: 'code', noCloseToken: true },
})

/** Serialises a document to Markdown. */
export function documentToMarkdown(doc: PMNode): string {
  return serializer.serialize(doc, { tightLists: true })
}

/** Parses Markdown into a document of our schema. Never throws on odd input: unknown syntax stays text. */
export function markdownToDocument(markdown: string): PMNode {
  const doc = parser.parse(markdown)
  // An empty input parses to an empty doc; the schema wants at least one block.
  return doc.childCount > 0 ? doc : schema.node('doc', null, [schema.node('paragraph')])
}
