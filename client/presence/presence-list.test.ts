import { Awareness } from 'y-protocols/awareness'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import { participants } from './presence-list.ts'
import { initials, readPresenceUser } from './presence-user.ts'

/** An awareness with a local state and remote states as if received from other clients. */
function awarenessWith(local: unknown, remotes: [clientId: number, state: Record<string, unknown>][]): Awareness {
  const awareness = new Awareness(new Y.Doc())
  awareness.setLocalStateField('user', local)
  for (const [clientId, state] of remotes) awareness.states.set(clientId, state)
  return awareness
}

describe('who is here', () => {
  it('[PRES2] lists one entry per user id, counting tabs; away only when every tab is away', () => {
    const awareness = awarenessWith({ id: 'me', name: 'Me', color: '#112233', away: false }, [
      [101, { user: { id: 'alice', name: 'Alice', color: '#aa0000', away: true } }],
      [102, { user: { id: 'alice', name: 'Alice', color: '#aa0000', away: false } }],
      [103, { user: { id: 'bob', name: 'Bob', color: '#00aa00', away: true } }],
      [104, { cursor: null }],
    ])
    const people = participants(awareness)
    expect(people.map((person) => [person.name, person.tabs, person.away, person.me])).toEqual([
      ['Me', 1, false, true],
      ['Alice', 2, false, false],
      ['Bob', 1, true, false],
    ])
    awareness.destroy()
  })

  it('[PRES1] reads hostile awareness defensively: bad colours, long or empty names, non-objects', () => {
    expect(readPresenceUser('Mallory', 7)).toBeNull()
    expect(readPresenceUser({ name: '', color: 'red;background:url(x)' }, 7)).toEqual({ id: 'client-7', name: 'Anonymous', color: '#888888', away: false })
    expect(readPresenceUser({ id: 'x', name: 'A'.repeat(500), color: '#ABCDEF', away: 'yes' }, 7)).toEqual({ id: 'x', name: 'A'.repeat(64), color: '#ABCDEF', away: false })
    expect(initials('Ada Lovelace')).toBe('AL')
    expect(initials('alice')).toBe('A')
  })
})
