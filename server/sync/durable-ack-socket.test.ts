import { OutgoingMessage } from '@hocuspocus/server'
import { describe, expect, it } from 'vitest'
import { isSyncStatus } from './durable-ack-socket.ts'

describe('isSyncStatus', () => {
  it('[DUR2] recognises acknowledgements for plain and session-addressed documents, and nothing else', () => {
    for (const address of ['d', 'crash\0session-id', 'x'.repeat(300)]) {
      expect(isSyncStatus(new OutgoingMessage(address).writeSyncStatus(true).toUint8Array()), address).toBe(true)
      expect(isSyncStatus(new OutgoingMessage(address).writeSyncStatus(false).toUint8Array()), address).toBe(true)
      expect(isSyncStatus(new OutgoingMessage(address).writeStateless('hi').toUint8Array()), address).toBe(false)
      expect(isSyncStatus(new OutgoingMessage(address).writeCloseMessage('bye').toUint8Array()), address).toBe(false)
    }
    expect(isSyncStatus(new Uint8Array([]))).toBe(false)
    expect(isSyncStatus(new Uint8Array([200]))).toBe(false)
  })
})
