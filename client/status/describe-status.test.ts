import { describe, expect, it } from 'vitest'
import { describeStatus, type StatusFacts } from './describe-status.ts'

const base: StatusFacts = {
  browserOnline: true,
  socket: 'connected',
  failedAttempts: 0,
  unreachableAfter: 2,
  synced: true,
  pendingChanges: 0,
  savedAt: new Date('2026-01-01T10:00:00Z'),
  localStore: 'ready',
  refusal: null,
}
const time = () => '10:00'

describe('describeStatus', () => {
  it('[STAT1] says saved, with the time, only when connected, synced and nothing is pending', () => {
    expect(describeStatus(base, time)).toEqual({ state: 'saved', text: 'All changes saved · 10:00', canRetry: false })
    expect(describeStatus({ ...base, pendingChanges: 1 }, time).state).toBe('saving')
    expect(describeStatus({ ...base, synced: false }, time).state).toBe('syncing')
    expect(describeStatus({ ...base, socket: 'connecting' }, time).state).toBe('connecting')
  })

  it('[STAT2] offline, counts the changes kept on this device, or says they are only in this tab', () => {
    expect(describeStatus({ ...base, browserOnline: false, socket: 'disconnected' }, time).text).toBe('Offline')
    expect(describeStatus({ ...base, browserOnline: false, pendingChanges: 1 }, time).text).toBe('Offline: 1 change kept on this device')
    expect(describeStatus({ ...base, browserOnline: false, pendingChanges: 12 }, time).text).toBe('Offline: 12 changes kept on this device')
    expect(describeStatus({ ...base, browserOnline: false, pendingChanges: 3, localStore: 'failed' }, time).text).toMatch(/^Offline: 3 changes only in this tab/)
  })

  it('[STAT4] an unreachable server offers "Retry now"; refusals are fatal and do not', () => {
    const unreachable = describeStatus({ ...base, socket: 'disconnected', failedAttempts: 2, pendingChanges: 4 }, time)
    expect(unreachable).toEqual({ state: 'unreachable', text: 'Server unreachable, retrying · 4 changes kept on this device', canRetry: true })
    expect(describeStatus({ ...base, socket: 'disconnected', failedAttempts: 1 }, time).state).toBe('connecting')
    const denied = describeStatus({ ...base, refusal: { kind: 'denied', detail: 'forbidden: no access' } }, time)
    expect(denied).toEqual({ state: 'denied', text: 'Access denied: forbidden: no access', canRetry: false })
    // [SEC8] a change refused as outside the schema says so, not "access denied".
    const refusedChange = describeStatus({ ...base, refusal: { kind: 'denied', detail: 'invalid-content: unknown node type "script"' } }, time)
    expect(refusedChange).toEqual({
      state: 'denied',
      text: 'Change refused by the server (unknown node type "script")',
      canRetry: false,
    })
    expect(describeStatus({ ...base, refusal: { kind: 'not-found', detail: 'gone' } }, time).state).toBe('not-found')
  })
})
