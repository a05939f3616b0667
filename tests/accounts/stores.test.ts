/**
 * The account and role stores: one contract run against SQLite and the real PostgreSQL, and a
 * server on PostgreSQL whose sessions and roles survive a restart.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AccountConflict, AccountStore, migrateAccounts } from '../../server/accounts/account-store.ts'
import { migrateRoles, RoleStore } from '../../server/access/role-store.ts'
import type { Database } from '../../server/db/database.ts'
import { PostgresDatabase } from '../../server/db/postgres-database.ts'
import { SqliteDatabase } from '../../server/db/sqlite-database.ts'
import { useTestSchema } from '../helpers/postgres.ts'
import { startTestServer } from '../helpers/server.ts'
import { Person } from './people.ts'

const schema = useTestSchema('acct')

const backends: [string, () => Database][] = [
  ['SQLite', () => new SqliteDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'collab-acct-')), 'history.sqlite'))],
  ['PostgreSQL', () => new PostgresDatabase(schema.url, 2)],
]

describe.each(backends)('account and role stores on %s', (_name, open) => {
  let db: Database
  let accounts: AccountStore
  let roles: RoleStore
  beforeAll(async () => {
    db = open()
    await migrateAccounts(db)
    await migrateRoles(db)
    // Migrations are idempotent.
    await migrateAccounts(db)
    await migrateRoles(db)
    accounts = new AccountStore(db)
    roles = new RoleStore(db)
  })
  afterAll(async () => {
    await db.close()
  })

  it('[ACCT1][ACCT2] accounts, passwords, sessions, guests and external users', async () => {
    const ada = await accounts.register({ username: 'ada', email: 'ada@example.com', name: 'Ada', password: 'analytical engine' })
    await expect(accounts.register({ username: 'ADA', email: null, name: 'x', password: 'whatever123' })).rejects.toThrow(AccountConflict)
    await expect(accounts.register({ username: 'ada2', email: 'Ada@Example.com', name: 'x', password: 'whatever123' })).rejects.toThrow(AccountConflict)
    expect((await accounts.checkPassword('ada@example.com', 'analytical engine'))?.id).toBe(ada.id)
    expect(await accounts.checkPassword('ada', 'difference engine')).toBeNull()
    expect(await accounts.checkPassword('nobody', 'analytical engine')).toBeNull()
    const session = await accounts.createSession(ada.id, 60_000)
    expect((await accounts.sessionAccount(session.id))?.name).toBe('Ada')
    const expired = await accounts.createSession(ada.id, -1)
    expect(await accounts.sessionAccount(expired.id)).toBeNull()
    expect(await accounts.pruneSessions()).toBeGreaterThanOrEqual(1)
    await accounts.deleteSession(session.id)
    expect(await accounts.sessionAccount(session.id)).toBeNull()
    const guest = await accounts.createGuest('Visitor')
    expect(guest.kind).toBe('guest')
    // Guests cannot be invited; external users can, by email or id.
    expect(await accounts.findForInvite(guest.id)).toBeNull()
    await accounts.rememberExternal({ id: 'idp|1', name: 'Ext', email: 'Ext@Example.com' })
    expect((await accounts.findForInvite('ext@example.com'))?.id).toBe('idp|1')
    expect((await accounts.findForInvite('ADA'))?.id).toBe(ada.id)
  })

  it('[ACCT5][ACCT6][ACCT7] owners, invites, links that never lower a role, and revocation', async () => {
    await roles.setOwner('doc', 'owner-1')
    expect(await roles.roleOf('doc', 'owner-1')).toBe('owner')
    expect(await roles.hasOwner('doc')).toBe(true)
    expect(await roles.hasOwner('other')).toBe(false)
    // An invite never replaces the owner's role.
    await roles.invite('doc', 'owner-1', 'viewer', 'someone')
    expect(await roles.roleOf('doc', 'owner-1')).toBe('owner')
    await roles.invite('doc', 'ed', 'editor', 'owner-1')
    const { link, secret } = await roles.createLink('doc', 'viewer', 'owner-1')
    expect((await roles.linkBySecret(secret))?.id).toBe(link.id)
    expect(await roles.linkBySecret(secret.slice(1))).toBeNull()
    expect(await roles.acceptLink(link, 'ed')).toBe('editor')
    expect(await roles.acceptLink(link, 'visitor')).toBe('viewer')
    expect((await roles.members('doc')).map((member) => [member.userId, member.role, member.source.split(':')[0]])).toEqual([
      ['owner-1', 'owner', 'owner'],
      ['ed', 'editor', 'invite'],
      ['visitor', 'viewer', 'link'],
    ])
    expect(await roles.documentsOf('visitor')).toEqual(['doc'])
    expect(await roles.revokeLink('doc', link.id)).toEqual(['visitor'])
    expect(await roles.revokeLink('doc', link.id)).toBeNull()
    expect(await roles.roleOf('doc', 'visitor')).toBeNull()
    expect(await roles.roleOf('doc', 'ed')).toBe('editor')
    expect(await roles.remove('doc', 'owner-1')).toBe(false)
    expect(await roles.remove('doc', 'ed')).toBe(true)
    await roles.deleteDocument('doc')
    expect(await roles.members('doc')).toEqual([])
  })
})

describe('accounts on PostgreSQL', () => {
  it('[ACCT2][ACCT5] sessions and roles live in PostgreSQL and survive a restart', async () => {
    const first = await startTestServer({ HISTORY_DATABASE_URL: schema.url })
    const olive = new Person(first.url, 'pgolive')
    let doc: string
    try {
      await olive.register()
      doc = (await olive.api('POST', '/api/documents', {})).body.name
    } finally {
      await first.close()
    }
    const second = await startTestServer({ HISTORY_DATABASE_URL: schema.url, DATA_DIR: first.dataDir })
    try {
      const again = Object.assign(new Person(second.url, 'pgolive'), { cookie: olive.cookie })
      expect((await again.api('GET', `/api/documents/${doc}`)).body.role).toBe('owner')
    } finally {
      await second.close()
    }
  })
})
