import { describe, expect, it } from 'vitest'
import { MAX_DOCUMENT_NAME_LENGTH, documentNameProblem, isValidDocumentName } from './document-name.ts'

describe('document names', () => {
  it('[NAME1] accepts letters, digits, dot, underscore and dash', () => {
    for (const name of ['a', 'welcome', 'Q3-plan_v2.draft', '0', 'x'.repeat(MAX_DOCUMENT_NAME_LENGTH)]) {
      expect(documentNameProblem(name), name).toBeNull()
    }
  })
  it('[NAME2] refuses empty, too long, leading punctuation, spaces, slashes and control characters with a reason', () => {
    expect(documentNameProblem('')).toBe('document name is empty')
    expect(documentNameProblem('x'.repeat(MAX_DOCUMENT_NAME_LENGTH + 1))).toMatch(/129 characters long; the limit is 128/)
    for (const name of ['.hidden', '-x', 'a b', 'a/b', '../etc', 'a\u0000b', 'ü', 'a\nb']) {
      expect(isValidDocumentName(name), JSON.stringify(name)).toBe(false)
    }
  })
})
