import { describe, expect, it } from 'vitest'
import { signPayload, verifySignature } from './signature.ts'

describe('webhook signatures', () => {
  it('[HOOK2] a signature verifies with the secret and fails with another secret, body or an old timestamp', () => {
    const header = signPayload('s3cret-s3cret-s3cret', '{"a":1}', 1_000)
    expect(verifySignature('s3cret-s3cret-s3cret', '{"a":1}', header, 1_010)).toBe(true)
    expect(verifySignature('other-other-other-ot', '{"a":1}', header, 1_010)).toBe(false)
    expect(verifySignature('s3cret-s3cret-s3cret', '{"a":2}', header, 1_010)).toBe(false)
    expect(verifySignature('s3cret-s3cret-s3cret', '{"a":1}', header, 2_000)).toBe(false)
    expect(verifySignature('s3cret-s3cret-s3cret', '{"a":1}', 'garbage', 1_010)).toBe(false)
  })
})
