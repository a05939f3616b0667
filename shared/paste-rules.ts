/**
 * What happens to pasted content before and after the schema parses it.
 *
 * The schema's `parseDOM` rules already keep structure (headings, lists, quotes, marks from tags
 * and from Google Docs' inline styles) and drop what it does not know. These rules cover what the
 * schema alone cannot: Word's fake lists (paragraphs with `mso-list` styles and a typed bullet),
 * clipboard junk (`<style>`, `<meta>`, `<o:p>`, comments), and a last check of every link so an
 * unsafe href never enters the document, however the slice was built [EDIT4]. Pure: works on any
 * standards DOM (the browser's, or linkedom in tests).
 */
import { Fragment, Slice, type Mark, type Node as PMNode, type Schema } from 'prosemirror-model'
import { safeHref } from './links.ts'

/** Elements removed with their content before parsing. */
const JUNK_SELECTOR = 'style, script, meta, link, title, xml, template'

/**
 * Cleans a pasted DOM in place: removes junk elements and comments, and turns Word's list
 * paragraphs into real `<ul>`/`<ol>` lists (nested by their `level`).
 */
export function cleanPastedDom(root: Element): void {
  for (const element of [...root.querySelectorAll(JUNK_SELECTOR)]) element.remove()
  for (const element of [...root.querySelectorAll('*')]) {
    // Word's empty-paragraph markers (<o:p>) carry nothing; keep their text if any.
    if (element.tagName.toLowerCase() === 'o:p') element.replaceWith(...element.childNodes)
  }
  removeComments(root)
  convertWordLists(root)
}

/** Parses an HTML string, cleans it with {@link cleanPastedDom}, and serialises it back. */
export function cleanPastedHtml(html: string, parse: (html: string) => Document): string {
  const document = parse(html)
  cleanPastedDom(document.body)
  return document.body.innerHTML
}

/** Returns `slice` with every link mark whose href is not safe removed (text kept). */
export function sanitizeSlice(slice: Slice, schema: Schema): Slice {
  return new Slice(sanitizeFragment(slice.content, schema), slice.openStart, slice.openEnd)
}

/** Returns `fragment` with unsafe link marks removed, recursively. */
export function sanitizeFragment(fragment: Fragment, schema: Schema): Fragment {
  const children: PMNode[] = []
  fragment.forEach((node) => {
    if (node.isText) {
      children.push(node.mark(node.marks.filter((mark) => isSafeMark(mark, schema))))
    } else {
      children.push(node.copy(sanitizeFragment(node.content, schema)))
    }
  })
  return Fragment.fromArray(children)
}

function isSafeMark(mark: Mark, schema: Schema): boolean {
  return mark.type !== schema.marks.link || safeHref(mark.attrs.href) !== null
}

function removeComments(root: Node): void {
  for (const child of [...root.childNodes]) {
    // 8 is COMMENT_NODE; the constant is not on every DOM implementation's Node.
    if (child.nodeType === 8) child.remove()
    else removeComments(child)
  }
}

/** A Word list paragraph: its nesting level and whether its marker is a number or letter. */
interface WordListItem {
  element: Element
  level: number
  ordered: boolean
}

function wordListItem(element: Element): WordListItem | null {
  if (element.tagName.toLowerCase() !== 'p') return null
  const style = element.getAttribute('style') ?? ''
  const className = element.getAttribute('class') ?? ''
  const listStyle = /mso-list:\s*l\d+\s+level(\d+)/i.exec(style)
  if (!listStyle && !/MsoListParagraph/i.test(className)) return null
  // The typed marker ("·", "1.", "a)") sits in a span styled mso-list:Ignore.
  const marker = [...element.querySelectorAll('span')].find((span) => /mso-list:\s*Ignore/i.test(span.getAttribute('style') ?? ''))
  const markerText = (marker?.textContent ?? '').trim()
  marker?.remove()
  return {
    element,
    level: listStyle ? Number(listStyle[1]) : 1,
    ordered: /^(\d+|[a-z]|[ivxlc]+)[.)]$/i.test(markerText),
  }
}

function convertWordLists(root: Element): void {
  const document = root.ownerDocument
  let run: WordListItem[] = []
  const flush = () => {
    if (run.length === 0) return
    const first = run[0]!.element
    const stack: { list: Element; level: number }[] = []
    const tops: Element[] = []
    for (const item of run) {
      while (stack.length > 0 && stack[stack.length - 1]!.level > item.level) stack.pop()
      let current = stack[stack.length - 1]
      if (!current || current.level < item.level) {
        const list = document.createElement(item.ordered ? 'ol' : 'ul')
        const parentItem = current?.list.lastElementChild
        if (parentItem) parentItem.appendChild(list)
        else tops.push(list)
        current = { list, level: item.level }
        stack.push(current)
      }
      const li = document.createElement('li')
      const paragraph = document.createElement('p')
      paragraph.append(...item.element.childNodes)
      li.appendChild(paragraph)
      current.list.appendChild(li)
    }
    first.before(...tops)
    for (const item of run) item.element.remove()
    run = []
  }
  for (const child of [...root.children]) {
    const item = wordListItem(child)
    if (item) run.push(item)
    else {
      flush()
      convertWordLists(child)
    }
  }
  flush()
}
