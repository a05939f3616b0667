import { describe, expect, it } from 'vitest'
import { safeNext } from './safe-next.ts'

describe('safeNext', () => {
  it('[ACCT1] returns same-site paths and refuses everything that could leave the site', () => {
    expect(safeNext('/d/plan?x=1')).toBe('/d/plan?x=1')
    expect(safeNext(null)).toBe('/')
    for (const evil of ['https://evil.example', '//evil.example', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)', 'd/plan']) expect(safeNext(evil)).toBe('/')
  })
})
