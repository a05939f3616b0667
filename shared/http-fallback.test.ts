import { describe, expect, it } from 'vitest'
import { decodeFrames, encodeFrames, FrameTooLargeError } from './http-fallback.ts'

describe('HTTP fallback frames', () => {
  it('[HTTP5] round-trips messages of every length-prefix size, empty ones included', () => {
    const messages = [0, 1, 127, 128, 16_383, 16_384, 70_000].map((length) => Uint8Array.from({ length }, (_, i) => (i * 7 + length) & 0xff))
    const decoded = decodeFrames(encodeFrames(messages), 100_000)
    expect(decoded.map((message) => [...message])).toEqual(messages.map((message) => [...message]))
    expect(decodeFrames(new Uint8Array(0), 10)).toEqual([])
  })

  it('[HTTP5] refuses truncated frames, overlong prefixes and messages over the limit', () => {
    const body = encodeFrames([new Uint8Array(300)])
    expect(() => decodeFrames(body.subarray(0, 100), 1_000)).toThrow(/truncated/)
    expect(() => decodeFrames(Uint8Array.of(0x80), 1_000)).toThrow(/prefix is truncated/)
    expect(() => decodeFrames(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0x01), 1_000)).toThrow(/longer than 5 bytes/)
    expect(() => decodeFrames(body, 299)).toThrow(FrameTooLargeError)
  })
})
