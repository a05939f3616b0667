import { describe, expect, it } from 'vitest'
import { SignInThrottle } from './sign-in-throttle.ts'

describe('sign-in throttle', () => {
  it('[ACCT1] refuses a login past its failure limit until the window moves on; success clears it; addresses have their own limit', () => {
    const throttle = new SignInThrottle({ perLogin: 3, perAddress: 5, windowMs: 60_000 })
    const t0 = 1_000_000
    for (let i = 0; i < 3; i++) {
      expect(throttle.retryAfter('Ada', '10.0.0.1', t0 + i)).toBe(0)
      throttle.failed('Ada', '10.0.0.1', t0 + i)
    }
    expect(throttle.retryAfter('ada', '10.0.0.2', t0 + 10)).toBe(60)
    expect(throttle.retryAfter('ada', '10.0.0.2', t0 + 60_001)).toBe(0)
    throttle.succeeded('ADA')
    expect(throttle.retryAfter('ada', '10.0.0.2', t0 + 20)).toBe(0)
    // Two more failures for other logins from the same address reach its limit of 5.
    throttle.failed('bob', '10.0.0.1', t0 + 30)
    throttle.failed('cy', '10.0.0.1', t0 + 31)
    expect(throttle.retryAfter('dee', '10.0.0.1', t0 + 40)).toBeGreaterThan(0)
    expect(throttle.retryAfter('dee', '10.0.0.9', t0 + 40)).toBe(0)
  })
  it('[ACCT1] stays bounded', () => {
    const throttle = new SignInThrottle({ maxTrackedKeys: 100 })
    for (let i = 0; i < 1_000; i++) throttle.failed(`user${i}`, `10.0.${i >> 8}.${i & 255}`, 1_000 + i)
    expect((throttle as unknown as { failures: Map<string, unknown> }).failures.size).toBeLessThanOrEqual(100)
  })
})
