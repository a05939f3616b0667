/**
 * Markdown-style input rules: typing `# ` makes a heading, `- ` a bullet list, `1. ` an ordered
 * list, `> ` a quote, `[ ] ` a task, three backticks a code block, `---` a horizontal rule, and
 * `**bold**`, `*italic*`, `` `code` ``, `~~strike~~` apply marks. Pure: no DOM, usable in tests.
 */
import { InputRule, textblockTypeInputRule, wrappingInputRule } from 'prosemirror-inputrules'
import type { MarkType, Schema } from 'prosemirror-model'
import { canJoin, findWrapping } from 'prosemirror-transform'

/** Builds the input rules for `schema` (which must have our node and mark names). */
export function markdownInputRules(schema: Schema): InputRule[] {
  const { nodes, marks } = schema
  const rules: InputRule[] = []
  if (nodes.heading) {
    rules.push(textblockTypeInputRule(/^(#{1,3})\s$/, nodes.heading, (match) => ({ level: match[1]!.length })))
  }
  if (nodes.blockquote) rules.push(wrappingInputRule(/^\s*>\s$/, nodes.blockquote))
  if (nodes.taskList && nodes.taskItem) {
    // Before the bullet rule, so `[ ] ` and `[x] ` make a (checked) task.
    const taskList = nodes.taskList
    const taskItem = nodes.taskItem
    rules.push(
      new InputRule(/^\s*\[([ xX]?)\]\s$/, (state, match, start, end) => {
        const tr = state.tr.delete(start, end)
        const range = tr.doc.resolve(start).blockRange()
        const wrapping = range && findWrapping(range, taskList)
        if (!range || !wrapping) return null
        const checked = (match[1] ?? '').toLowerCase() === 'x'
        tr.wrap(range, wrapping.map((wrapper) => (wrapper.type === taskItem ? { type: taskItem, attrs: { checked } } : wrapper)))
        // Join with a task list right above, so consecutive tasks form one list.
        const before = tr.doc.resolve(start - 1).nodeBefore
        if (before?.type === taskList && canJoin(tr.doc, start - 1)) tr.join(start - 1)
        return tr
      }),
    )
  }
  if (nodes.bulletList) rules.push(wrappingInputRule(/^\s*([-+*])\s$/, nodes.bulletList))
  if (nodes.orderedList) {
    rules.push(
      wrappingInputRule(
        /^(\d+)\.\s$/,
        nodes.orderedList,
        (match) => ({ start: Number(match[1]) }),
        (match, node) => node.childCount + (node.attrs.start as number) === Number(match[1]),
      ),
    )
  }
  if (nodes.codeBlock) rules.push(textblockTypeInputRule(/^```([a-z0-9+#-]*)?\s$/i, nodes.codeBlock, (match) => ({ language: match[1] || null })))
  if (nodes.horizontalRule && nodes.paragraph) {
    const hr = nodes.horizontalRule
    const paragraph = nodes.paragraph
    rules.push(
      new InputRule(/^(?:---|___|\*\*\*)$/, (state, _match, start, end) => {
        const $start = state.doc.resolve(start)
        // Only a paragraph holding nothing but the dashes turns into a rule.
        if ($start.parent.type !== paragraph || $start.parent.textContent.length !== end - start) return null
        const from = $start.before()
        const to = $start.after()
        return state.tr.replaceWith(from, to, [hr.create(), paragraph.create()]).scrollIntoView()
      }),
    )
  }
  if (marks.bold) rules.push(markRule(/(?:^|[^*])(\*\*([^*\s](?:[^*]*[^*\s])?)\*\*)$/, marks.bold))
  if (marks.italic) rules.push(markRule(/(?:^|[^*])(\*([^*\s](?:[^*]*[^*\s])?)\*)$/, marks.italic))
  if (marks.strike) rules.push(markRule(/(?:^|[^~])(~~([^~\s](?:[^~]*[^~\s])?)~~)$/, marks.strike))
  if (marks.code) rules.push(markRule(/(?:^|[^`])(`([^`]+)`)$/, marks.code))
  return rules

}

/**
 * A rule wrapping the text of group 2 in `type` when the closing delimiter is typed, removing the
 * delimiters (group 1 is the whole delimited run). Keeps the typed text, so undo brings back the
 * delimiters.
 */
function markRule(pattern: RegExp, type: MarkType): InputRule {
  return new InputRule(pattern, (state, match, start, end) => {
    const whole = match[1]
    const inner = match[2]
    if (whole === undefined || inner === undefined) return null
    const from = start + match[0].length - whole.length
    // Never inside code: backticks and asterisks there are literal.
    const $from = state.doc.resolve(from)
    if ($from.parent.type.spec.code) return null
    const innerStart = from + whole.indexOf(inner)
    const innerEnd = innerStart + inner.length
    const tr = state.tr
    tr.delete(innerEnd, end)
    tr.delete(from, innerStart)
    tr.addMark(from, from + inner.length, type.create())
    tr.removeStoredMark(type)
    return tr
  })
}
