import { describe, expect, it } from 'vitest'
import { CLOSE_CODES, closeCodeByNumber, closeCodeByReason, formatCloseReason } from './close-codes.ts'

describe('close codes', () => {
  it('[CODE1] every code and reason is unique', () => {
    const entries = Object.values(CLOSE_CODES)
    expect(new Set(entries.map((e) => e.code)).size).toBe(entries.length)
    expect(new Set(entries.map((e) => e.reason)).size).toBe(entries.length)
  })
  it('[CODE2] a formatted reason round-trips to its entry and fits a WebSocket close frame', () => {
    for (const entry of Object.values(CLOSE_CODES)) {
      const reason = formatCloseReason(entry, 'x'.repeat(500))
      expect(new TextEncoder().encode(reason).length).toBeLessThanOrEqual(123)
      expect(closeCodeByReason(reason)).toBe(entry)
      expect(closeCodeByNumber(entry.code)).toBe(entry)
    }
    expect(closeCodeByReason('nonsense: x')).toBeUndefined()
    expect(closeCodeByNumber(1000)).toBeUndefined()
  })
  it('[CODE3] auth refusals are fatal and shutdown is retryable', () => {
    expect(CLOSE_CODES.unauthorized.retryable).toBe(false)
    expect(CLOSE_CODES.forbidden.retryable).toBe(false)
    expect(CLOSE_CODES.serverShuttingDown.retryable).toBe(true)
  })
})
