/**
 * Built-in accounts over real HTTP: register, sign in, sign out, cookie flags, and the token
 * minted from the session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodeJwt } from 'jose'
import { startTestServer } from '../helpers/server.ts'
import { verifyPassword, hashPassword } from '../../server/accounts/password.ts'
import { Person } from './people.ts'

describe('accounts', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  beforeAll(async () => {
    server = await startTestServer({ SESSION_TOKEN_TTL_S: '120' })
  })
  afterAll(async () => {
    await server.close()
  })

  it('[ACCT1][ACCT2] registering signs in with an HttpOnly SameSite=Lax session cookie; the session names the account', async () => {
    const ada = new Person(server.url, 'ada')
    const user = await ada.register({ email: 'Ada@Example.com', name: 'Ada Lovelace' })
    expect(user).toMatchObject({ name: 'Ada Lovelace', username: 'ada', email: 'ada@example.com', kind: 'local' })
    const flags = ada.lastSetCookie!.split(';').map((part) => part.trim())
    expect(flags[0]).toMatch(/^collab_session=[A-Za-z0-9_-]{40,}$/)
    expect(flags).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']))
    // Plain HTTP here: no Secure flag, or the browser would drop the cookie.
    expect(flags).not.toContain('Secure')
    const session = await ada.call('GET', '/api/auth/session')
    expect(session.status).toBe(200)
    expect(session.body.user).toMatchObject({ id: user.id, name: 'Ada Lovelace' })
    // The password is stored only as a salted scrypt hash.
    const { DatabaseSync } = await import('node:sqlite')
    const db = new DatabaseSync(`${server.dataDir}/history.sqlite`, { readOnly: true })
    try {
      const row = db.prepare('SELECT password_hash FROM auth_accounts WHERE username = ?').get('ada') as { password_hash: string }
      expect(row.password_hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
      expect(row.password_hash).not.toContain('correct horse')
      // Session ids are stored hashed, never as the cookie value.
      const sessions = db.prepare('SELECT id_hash FROM auth_sessions').all() as { id_hash: string }[]
      expect(sessions.map((s) => s.id_hash)).not.toContain(ada.cookie!.split('=')[1])
    } finally {
      db.close()
    }
  })

  it('[ACCT2] the cookie is Secure when the request came over HTTPS (a proxy saying so)', async () => {
    const bea = new Person(server.url, 'bea')
    await bea.call('POST', '/api/auth/register', { username: 'bea', password: bea.password }, { 'x-forwarded-proto': 'https' })
    expect(bea.lastSetCookie).toMatch(/; Secure/)
  })

  it('[ACCT1] signs in by username or email; a wrong password and an unknown user get the same 401', async () => {
    const cy = new Person(server.url, 'cyd')
    await cy.register({ email: 'cyd@example.com' })
    const anonymous = new Person(server.url, 'nobody')
    const byName = await anonymous.call('POST', '/api/auth/signin', { login: 'CYD', password: cy.password })
    expect(byName.status).toBe(200)
    expect(byName.body.user.username).toBe('cyd')
    const byEmail = await new Person(server.url, 'x').call('POST', '/api/auth/signin', { login: 'cyd@example.com', password: cy.password })
    expect(byEmail.status).toBe(200)
    const wrong = await new Person(server.url, 'x').call('POST', '/api/auth/signin', { login: 'cyd', password: 'not the password' })
    const unknown = await new Person(server.url, 'x').call('POST', '/api/auth/signin', { login: 'nobody-here', password: 'not the password' })
    expect(wrong.status).toBe(401)
    expect(unknown.status).toBe(401)
    expect(wrong.body.detail).toBe(unknown.body.detail)
    expect(wrong.headers.get('set-cookie')).toBeNull()
  })

  it('[ACCT1] ten failed sign-ins for one account answer 429 with Retry-After, even with the right password', async () => {
    const gus = new Person(server.url, 'gus')
    await gus.register()
    for (let i = 0; i < 10; i++) expect((await new Person(server.url, 'x').call('POST', '/api/auth/signin', { login: 'gus', password: `guess ${i}` })).status).toBe(401)
    const blocked = await new Person(server.url, 'x').call('POST', '/api/auth/signin', { login: 'GUS', password: gus.password })
    expect(blocked.status).toBe(429)
    expect(blocked.body.code).toBe('too-many-requests')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(800)
  })

  it('[ACCT1] refuses taken usernames and emails, weak passwords and malformed names', async () => {
    await new Person(server.url, 'dee').register({ email: 'dee@example.com' })
    expect((await new Person(server.url, 'dee').call('POST', '/api/auth/register', { username: 'DEE', password: 'another password' })).status).toBe(409)
    expect((await new Person(server.url, 'x').call('POST', '/api/auth/register', { username: 'dee2', email: 'DEE@example.com', password: 'another password' })).status).toBe(409)
    const short = await new Person(server.url, 'x').call('POST', '/api/auth/register', { username: 'shorty', password: 'short' })
    expect(short.body).toMatchObject({ status: 400, code: 'invalid-body' })
    expect(short.body.detail).toContain('password')
    const bad = await new Person(server.url, 'x').call('POST', '/api/auth/register', { username: '../admin', password: 'long enough pass' })
    expect(bad.body.detail).toContain('username')
  })

  it('[ACCT2][ACCT3] sign-out clears the cookie and ends the session server-side; tokens come only from a live session', async () => {
    const eve = new Person(server.url, 'eve')
    const user = await eve.register()
    const token = await eve.token()
    const claims = decodeJwt(token)
    expect(claims).toMatchObject({ sub: user.id, name: 'eve', docs: {} })
    expect(claims.exp! - claims.iat!).toBe(120)
    // The token works for the API (roles come from the database: a fresh account sees nothing).
    expect((await eve.api('GET', '/api/documents')).body).toEqual({ documents: [] })
    const stolenCookie = eve.cookie
    const out = await eve.call('POST', '/api/auth/signout')
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toMatch(/^collab_session=; .*Max-Age=0/)
    // Even a copy of the old cookie no longer works: the session row is gone.
    const replay = await fetch(`${server.url}/api/auth/token`, { method: 'POST', headers: { cookie: stolenCookie! } })
    expect(replay.status).toBe(401)
    expect((await fetch(`${server.url}/api/auth/session`, { headers: { cookie: stolenCookie! } })).status).toBe(401)
    expect((await fetch(`${server.url}/api/auth/token`, { method: 'POST' })).status).toBe(401)
  })

  it('[ACCT2] a cross-site POST cannot mint a token with the cookie', async () => {
    const fay = new Person(server.url, 'fay')
    await fay.register()
    const forged = await fay.call('POST', '/api/auth/token', undefined, { origin: 'http://evil.example' })
    expect(forged.status).toBe(403)
  })

  it('[ACCT1] password hashes are salted and compared in full', async () => {
    const a = await hashPassword('same password')
    const b = await hashPassword('same password')
    expect(a).not.toBe(b)
    expect(await verifyPassword('same password', a)).toBe(true)
    expect(await verifyPassword('same passworD', a)).toBe(false)
    expect(await verifyPassword('same password', a.slice(0, -2))).toBe(false)
    expect(await verifyPassword('same password', 'plain')).toBe(false)
  })
})
