import { describe, expect, it } from 'vitest'
import { safeHref } from './links.ts'

describe('safeHref', () => {
  it('[LINK1] keeps http, https and mailto links', () => {
    expect(safeHref('https://example.com/a?b=c')).toBe('https://example.com/a?b=c')
    expect(safeHref('http://example.com')).toBe('http://example.com')
    expect(safeHref('mailto:someone@example.com')).toBe('mailto:someone@example.com')
  })
  it('[LINK2] refuses script, data and obfuscated schemes, relative URLs and non-strings', () => {
    for (const href of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\nscript:alert(1)', 'java\tscript:x', 'data:text/html,<script>', 'vbscript:x', 'file:///etc/passwd', '/relative', '', 42, null, undefined]) {
      expect(safeHref(href), JSON.stringify(href)).toBeNull()
    }
  })
})
