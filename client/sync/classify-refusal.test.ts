import { describe, expect, it } from 'vitest'
import { classifyRefusal } from './open-document.ts'

describe('classifyRefusal', () => {
  it('[STAT4] refusals from the close-code table are fatal; deleted documents read as not found; others retry', () => {
    expect(classifyRefusal('forbidden: no access to document "x"')).toEqual({ kind: 'denied', reason: 'forbidden: no access to document "x"' })
    expect(classifyRefusal('unauthorized: token expired')?.kind).toBe('denied')
    expect(classifyRefusal('forbidden: document "x" was deleted')?.kind).toBe('not-found')
    expect(classifyRefusal('server-shutting-down: restarting')).toBeNull()
    // The provider reports a failed token fetch (offline) as a refusal: it is not one.
    expect(classifyRefusal('Failed to get token during sendToken(): TypeError: Failed to fetch')).toBeNull()
  })
})
