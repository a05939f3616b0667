/**
 * External identity mode: tokens from the team's own identity provider, verified against a JWKS
 * served by a real local HTTP server (keys generated here), with issuer and audience checked.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import * as Y from 'yjs'
import { api } from '../api/api-client.ts'
import { waitFor } from '../helpers/clients.ts'
import { startTestServer, testToken, TEST_SECRET } from '../helpers/server.ts'
import { MSG, RawClient } from './raw-client.ts'

const ISSUER = 'https://idp.example.test/'
const AUDIENCE = 'collab-at-example'

describe('external identity provider', () => {
  let jwksServer: http.Server
  let jwksRequests = 0
  let key: CryptoKey
  let otherKey: CryptoKey
  let server: Awaited<ReturnType<typeof startTestServer>>

  const idpToken = (claims: Record<string, unknown>, options: { key?: CryptoKey; issuer?: string; audience?: string; expires?: string } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: options.key === otherKey ? 'other' : 'main' })
      .setIssuer(options.issuer ?? ISSUER)
      .setAudience(options.audience ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.expires ?? '5m')
      .sign(options.key ?? key)

  async function connect(document: string, token: string) {
    const client = await RawClient.open(server.url)
    client.auth(document, token)
    client.sync(document, 0, Y.encodeStateVector(new Y.Doc()))
    await waitFor(() => client.framesOf(document, MSG.auth).some((frame) => frame.subtype !== 0), 'answered')
    await new Promise((resolve) => setTimeout(resolve, 100))
    client.close()
    const answer = client.framesOf(document, MSG.auth).find((frame) => frame.subtype !== 0)!
    return { scope: answer.subtype === 2 ? answer.text : `denied: ${answer.text}`, documentFrames: client.documentFrames().length }
  }

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256')
    key = pair.privateKey
    otherKey = (await generateKeyPair('ES256')).privateKey
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'main', alg: 'ES256', use: 'sig' }
    jwksServer = http.createServer((request, response) => {
      jwksRequests += 1
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }))
    })
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve))
    const jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`
    server = await startTestServer({ AUTH_JWKS_URL: jwksUrl, AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE })
  })
  afterAll(async () => {
    await server.close()
    await new Promise((resolve) => jwksServer.close(resolve))
  })

  it('[ACCT9] provider tokens are verified against the JWKS with issuer and audience checked; roles come from the database', async () => {
    const iris = await idpToken({ sub: 'idp|iris', name: 'Iris', email: 'iris@example.com' })
    // Iris creates a document through the API with her provider token: she owns it.
    const created = await api(server.url, 'POST', '/api/documents', { token: iris, body: { markdown: 'from the idp' } })
    expect(created.status).toBe(201)
    const doc = created.body.name as string
    expect(jwksRequests).toBeGreaterThan(0)
    expect((await api(server.url, 'GET', `/api/documents/${doc}`, { token: iris })).body.role).toBe('owner')
    expect(await connect(doc, iris)).toMatchObject({ scope: 'read-write' })

    // Another provider user has no role until invited by email (remembered from their token).
    const jon = await idpToken({ sub: 'idp|jon', preferred_username: 'jon', email: 'jon@example.com' })
    const refused = await connect(doc, jon)
    expect(refused).toEqual({ scope: expect.stringMatching(/^denied: forbidden/), documentFrames: 0 })
    expect((await api(server.url, 'POST', `/api/documents/${doc}/members`, { token: iris, body: { user: 'jon@example.com', role: 'viewer' } })).body).toMatchObject({
      role: 'viewer',
      user: { id: 'idp|jon', name: 'jon' },
    })
    expect(await connect(doc, jon)).toMatchObject({ scope: 'readonly' })

    // Wrong issuer, wrong audience, unknown key, expired: refused with the reason, no document bytes.
    const bad = {
      issuer: await idpToken({ sub: 'idp|iris' }, { issuer: 'https://evil.example/' }),
      audience: await idpToken({ sub: 'idp|iris' }, { audience: 'someone-else' }),
      key: await idpToken({ sub: 'idp|iris' }, { key: otherKey }),
      expired: await idpToken({ sub: 'idp|iris' }, { expires: '-1m' }),
      // An HS256 token signed with our own secret but claiming the provider's issuer.
      hmac: await new SignJWT({ sub: 'idp|iris' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET)),
    }
    const results = Object.fromEntries(await Promise.all(Object.entries(bad).map(async ([name, token]) => [name, await connect(doc, token)] as const)))
    expect(results).toEqual({
      issuer: { scope: 'denied: unauthorized: token claim "iss" invalid', documentFrames: 0 },
      audience: { scope: 'denied: unauthorized: token claim "aud" invalid', documentFrames: 0 },
      key: { scope: expect.stringMatching(/^denied: unauthorized: /), documentFrames: 0 },
      expired: { scope: 'denied: unauthorized: token expired', documentFrames: 0 },
      hmac: { scope: 'denied: unauthorized: token algorithm not allowed', documentFrames: 0 },
    })
    // The server's own operator tokens keep working next to the provider's.
    expect(await connect(doc, await testToken('Operator'))).toMatchObject({ scope: 'read-write' })
  })
})

describe('external identity provider with a shared secret', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  beforeAll(async () => {
    // No AUTH_JWKS_URL: the provider's HS256 tokens are checked with AUTH_SECRET.
    server = await startTestServer({ AUTH_ISSUER: ISSUER, AUTH_AUDIENCE: AUDIENCE })
  })
  afterAll(async () => {
    await server.close()
  })

  const hs256 = (claims: Record<string, unknown>, audience = AUDIENCE) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(audience).setExpirationTime('5m').sign(new TextEncoder().encode(TEST_SECRET))

  async function answer(document: string, token: string): Promise<string> {
    const client = await RawClient.open(server.url)
    try {
      client.auth(document, token)
      await waitFor(() => client.framesOf(document, MSG.auth).some((frame) => frame.subtype !== 0), 'answered')
      const frame = client.framesOf(document, MSG.auth).find((f) => f.subtype !== 0)!
      return frame.subtype === 2 ? frame.text! : `denied: ${frame.text}`
    } finally {
      client.close()
    }
  }

  it('[ACCT9] HS256 provider tokens: a docs claim grants its roles, no claim grants nothing, a wrong audience is refused', async () => {
    const doc = (await api(server.url, 'POST', '/api/documents', { token: await testToken('Owner'), body: {} })).body.name as string
    expect(await answer(doc, await hs256({ sub: 'ext|1', docs: { [doc]: 'viewer' } }))).toBe('readonly')
    expect(await answer(doc, await hs256({ sub: 'ext|1' }))).toMatch(/^denied: forbidden/)
    expect(await answer(doc, await hs256({ sub: 'ext|1', docs: { [doc]: 'editor' } }, 'other-app'))).toBe('denied: unauthorized: token claim "aud" invalid')
    expect(await answer(doc, await hs256({ docs: { [doc]: 'editor' } }))).toBe('denied: unauthorized: token has no subject')
  })
})
