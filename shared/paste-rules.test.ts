import { parseHTML } from 'linkedom'
import { DOMParser as PMDOMParser, Slice, type Node as PMNode } from 'prosemirror-model'
import { describe, expect, it } from 'vitest'
import { cleanPastedHtml, sanitizeSlice } from './paste-rules.ts'
import { schema } from './schema.ts'

/** Parses HTML with linkedom (a standards DOM without a browser). */
function parseDocument(html: string): Document {
  return parseHTML(`<!doctype html><html><body>${html}</body></html>`).document as unknown as Document
}

/** What the editor does on paste: clean the HTML, then parse it with the schema's rules. */
function paste(html: string): PMNode {
  const cleaned = cleanPastedHtml(html, parseDocument)
  return PMDOMParser.fromSchema(schema).parse(parseDocument(cleaned).body)
}

function links(doc: PMNode): string[] {
  const hrefs: string[] = []
  doc.descendants((node) => {
    for (const mark of node.marks) if (mark.type.name === 'link') hrefs.push(mark.attrs.href as string)
  })
  return hrefs
}

describe('paste rules', () => {
  it('[EDIT3] keeps the structure of a Google Docs clipboard and ignores its fake bold wrapper', () => {
    const html =
      '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1234"><h1 dir="ltr"><span style="font-size:20pt;font-weight:400">Plan</span></h1>' +
      '<p dir="ltr"><span style="font-weight:700">Bold</span><span style="font-weight:400"> and </span><span style="font-style:italic">italic</span>' +
      '<span style="text-decoration:underline"> under</span></p>' +
      '<ul><li dir="ltr"><p dir="ltr"><span>first</span></p></li><li dir="ltr"><p dir="ltr"><span>second</span></p></li></ul></b>'
    const doc = paste(html)
    expect(doc.child(0).type.name).toBe('heading')
    expect(doc.child(0).textContent).toBe('Plan')
    // The heading text is not bold: Google's <b style="font-weight:normal"> wrapper is not a mark.
    expect(doc.child(0).firstChild!.marks).toEqual([])
    const paragraph = doc.child(1)
    const marked = (text: string) => {
      let names: string[] = []
      paragraph.forEach((child) => {
        if (child.text?.includes(text)) names = child.marks.map((mark) => mark.type.name)
      })
      return names
    }
    expect(marked('Bold')).toEqual(['bold'])
    expect(marked(' and ')).toEqual([])
    expect(marked('italic')).toEqual(['italic'])
    expect(marked('under')).toEqual(['underline'])
    expect(doc.child(2).type.name).toBe('bulletList')
    expect(doc.child(2).childCount).toBe(2)
  })

  it('[EDIT3] turns Word list paragraphs into real lists, ordered or bulleted, nested by level', () => {
    const item = (marker: string, text: string, level = 1) =>
      `<p class=MsoListParagraphCxSpMiddle style='mso-list:l0 level${level} lfo1'><!--[if !supportLists]--><span style='mso-list:Ignore'>${marker}<span>&nbsp;&nbsp;</span></span><!--[endif]-->${text}<o:p></o:p></p>`
    const html = `<style>p.MsoNormal{margin:0}</style><p class=MsoNormal>Intro<o:p></o:p></p>${item('1.', 'One')}${item('a.', 'One a', 2)}${item('2.', 'Two')}<p class=MsoNormal>Bullets<o:p></o:p></p>${item('·', 'Dot')}`
    const doc = paste(html)
    expect(doc.toJSON().content.map((node: { type: string }) => node.type)).toEqual(['paragraph', 'orderedList', 'paragraph', 'bulletList'])
    const ordered = doc.child(1)
    expect(ordered.childCount).toBe(2)
    expect(ordered.child(0).child(0).textContent).toBe('One')
    expect(ordered.child(0).child(1).type.name).toBe('orderedList')
    expect(ordered.child(0).child(1).textContent).toBe('One a')
    expect(ordered.child(1).textContent).toBe('Two')
    expect(doc.child(3).textContent).toBe('Dot')
    expect(doc.textContent).not.toContain('p.MsoNormal')
  })

  it('[EDIT4] drops what the schema does not allow, and links with unsafe schemes (text kept)', () => {
    const html =
      '<h5>Deep</h5><script>alert(1)</script><p onclick="x()">Hi <a href="javascript:alert(1)">bad</a> <a href="https://ok.example/">good</a>' +
      ' <a href="mailto:a@b.example">mail</a> <a href="data:text/html,x">data</a> <a href=" java\nscript:alert(2)">spaced</a>' +
      '<img src="x" onerror="alert(3)"><iframe src="https://evil.example"></iframe></p><table><tr><td>cell</td></tr></table>'
    const doc = paste(html)
    expect(doc.child(0).type.name).toBe('heading')
    expect(doc.child(0).attrs.level).toBe(3)
    expect(links(doc)).toEqual(['https://ok.example/', 'mailto:a@b.example'])
    expect(doc.textContent).toContain('bad')
    expect(doc.textContent).toContain('spaced')
    expect(doc.textContent).toContain('cell')
    expect(doc.textContent).not.toContain('alert')
    // Every node and mark is one the schema defines: nothing else can be represented.
    doc.descendants((node) => {
      expect(schema.nodes[node.type.name]).toBe(node.type)
    })
  })

  it('[EDIT4] sanitizeSlice strips unsafe link marks from slices that bypass HTML parsing', () => {
    const unsafe = schema.text('click', [schema.marks.link!.create({ href: 'javascript:alert(1)' })])
    const safe = schema.text('ok', [schema.marks.link!.create({ href: 'https://example.com' }), schema.marks.bold!.create()])
    const slice = new Slice(schema.node('doc', null, [schema.node('paragraph', null, [unsafe, safe])]).content, 0, 0)
    const cleaned = sanitizeSlice(slice, schema)
    const paragraph = cleaned.content.child(0)
    expect(paragraph.textContent).toBe('clickok')
    expect(paragraph.child(0).marks).toEqual([])
    expect(paragraph.child(1).marks.map((mark) => mark.type.name).sort()).toEqual(['bold', 'link'])
  })
})
