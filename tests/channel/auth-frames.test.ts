/**
 * Authentication on the wire: refused clients receive nothing but the refusal (raw frames), and a
 * socket can authenticate after a refusal.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider'
import { SignJWT } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { TOKEN_ISSUER, mintToken } from '../../server/auth/tokens.ts'
import { CLOSE_CODES, closeCodeByReason, type CloseCode } from '../../shared/close-codes.ts'
import { AUTH_TYPES, MESSAGE_TYPES } from '../../shared/frame-inspection.ts'
import { bodyText, connectClient, paragraphText, waitFor, waitForSaved, type TestClient } from '../helpers/clients.ts'
import { authFrame, providerOpening, rawClient, syncStep1Frame, type RawClient } from '../helpers/raw-client.ts'
import { TEST_SECRET, collabUrl, startTestServer, testToken } from '../helpers/server.ts'

const SECRET_TEXT = 'the launch code is 0000'

describe('authentication on raw frames', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let owner: TestClient
  const raws: RawClient[] = []

  beforeAll(async () => {
    server = await startTestServer()
    owner = connectClient(server.url, 'vault', await testToken('Owner'))
    await waitFor(() => owner.provider.synced, 'owner synced')
    paragraphText(owner.ydoc).insert(0, SECRET_TEXT)
    // Awareness of others is document data too: the owner is present with a name.
    owner.provider.setAwarenessField('user', { name: 'Owner' })
    await waitForSaved(owner)
  })
  afterAll(async () => {
    raws.forEach((raw) => raw.close())
    owner.destroy()
    await server.close()
  })

  /** Opens a socket, sends what a provider sends on connecting, and returns what came back. */
  async function attempt(token: string, document = 'vault'): Promise<RawClient> {
    const raw = rawClient(server.url)
    raws.push(raw)
    await raw.opened
    for (const frame of providerOpening(document, token)) raw.send(frame)
    await waitFor(() => raw.frames.some((frame) => frame.type === MESSAGE_TYPES.auth), 'an auth answer')
    // Anything the server would (wrongly) send after the refusal has time to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300))
    return raw
  }

  function expectOnlyRefusal(raw: RawClient, entry: CloseCode, reason: RegExp) {
    // Exactly one frame: the permission-denied message. No sync step, no awareness, no status.
    expect(raw.frames.map((frame) => [frame.type, frame.authType])).toEqual([[MESSAGE_TYPES.auth, AUTH_TYPES.permissionDenied]])
    const refusal = raw.frames[0]!.reason!
    expect(refusal).toMatch(reason)
    // The reason maps to the documented close-code table entry.
    expect(closeCodeByReason(refusal)).toBe(entry)
    const bytes = Buffer.concat(raw.frames.map((frame) => frame.raw)).toString('latin1')
    expect(bytes).not.toContain('launch code')
    expect(bytes).not.toContain('Owner')
  }

  it('[SEC1][AUTH1] no token: only the refusal, zero document bytes', async () => {
    expectOnlyRefusal(await attempt(''), CLOSE_CODES.unauthorized, /^unauthorized: no token/)
  })

  it('[SEC1][AUTH3] expired token: only the refusal', async () => {
    const expired = await mintToken(TEST_SECRET, { user: { id: 'late', name: 'Late' }, expiresIn: Math.floor(Date.now() / 1000) - 10 })
    expectOnlyRefusal(await attempt(expired), CLOSE_CODES.unauthorized, /^unauthorized: token expired/)
  })

  it('[SEC1][AUTH2] wrong signature: only the refusal', async () => {
    const forged = await mintToken('another-secret-another-secret-another-secret', { user: { id: 'mallory', name: 'Mallory' } })
    expectOnlyRefusal(await attempt(forged), CLOSE_CODES.unauthorized, /^unauthorized: token signature invalid/)
  })

  it('[SEC1] wrong audience (a token for another service, same key): only the refusal', async () => {
    const otherAudience = await new SignJWT({ name: 'Mallory' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setIssuer(TOKEN_ISSUER)
      .setAudience('billing-service')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(TEST_SECRET))
    expectOnlyRefusal(await attempt(otherAudience), CLOSE_CODES.unauthorized, /^unauthorized: token claim "aud" invalid/)
  })

  it('[SEC1][AUTH4] token for another document: only the refusal', async () => {
    expectOnlyRefusal(await attempt(await testToken('Eve', { grants: { elsewhere: 'editor' } })), CLOSE_CODES.forbidden, /^forbidden: no access/)
  })

  it('[SEC1][AUTH5] bad document name: only the refusal', async () => {
    const raw = await attempt(await testToken('Alice'), 'bad name!')
    expectOnlyRefusal(raw, CLOSE_CODES.invalidDocumentName, /^invalid-document-name:/)
  })

  it('[SEC2] a bad token followed by a good one on the same socket opens the document', async () => {
    const raw = await attempt('not-a-jwt')
    expect(raw.frames[0]?.reason).toMatch(/^unauthorized: token malformed/)
    expect(raw.closed).toBeNull()
    raw.send(authFrame('vault', await testToken('Alice')))
    raw.send(syncStep1Frame('vault'))
    await waitFor(() => raw.frames.some((frame) => frame.update !== undefined && frame.update.byteLength > 2), 'the document after the good token')
    expect(raw.frames.filter((frame) => frame.type === MESSAGE_TYPES.auth).map((frame) => frame.authType)).toEqual([
      AUTH_TYPES.permissionDenied,
      AUTH_TYPES.authenticated,
    ])
    const replica = new Y.Doc()
    for (const frame of raw.frames) if (frame.update) Y.applyUpdate(replica, frame.update)
    expect(bodyText(replica)).toBe(SECRET_TEXT)
  })

  it('[SEC2] providers sharing one socket: a refused token does not stop another document authenticating', async () => {
    const socket = new HocuspocusProviderWebsocket({ url: collabUrl(server.url) })
    const refusals: string[] = []
    const refused = new HocuspocusProvider({ websocketProvider: socket, name: 'vault', token: 'garbage', onAuthenticationFailed: ({ reason }) => refusals.push(reason) })
    refused.attach()
    try {
      await waitFor(() => refusals.length > 0, 'the refusal')
      const allowed = new HocuspocusProvider({ websocketProvider: socket, name: 'vault', document: new Y.Doc(), token: await testToken('Dora') })
      refused.destroy()
      allowed.attach()
      try {
        await waitFor(() => allowed.synced && bodyText(allowed.document) === SECRET_TEXT, 'the document over the same socket')
      } finally {
        allowed.destroy()
      }
    } finally {
      refused.destroy()
      socket.destroy()
    }
  })
})
