/**
 * Webhook signatures: `X-Collab-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `<t>.<raw body>` with the webhook's secret. Receivers recompute it and reject stale `t`
 * (replays) and mismatches.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

/** Name of the signature header. */
export const SIGNATURE_HEADER = 'x-collab-signature'

/** The signature header value for `body` sent at `timestamp` (seconds). */
export function signPayload(secret: string, body: string, timestamp: number): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')
  return `t=${timestamp},v1=${digest}`
}

/**
 * True when `header` is a valid signature of `body` with `secret`, made at most `toleranceSeconds`
 * before `now` (seconds). What a receiver runs.
 */
export function verifySignature(secret: string, body: string, header: string, now = Math.floor(Date.now() / 1000), toleranceSeconds = 300): boolean {
  const parts = new Map(header.split(',').map((part) => part.split('=', 2) as [string, string]))
  const timestamp = Number(parts.get('t'))
  const given = parts.get('v1') ?? ''
  if (!Number.isInteger(timestamp) || Math.abs(now - timestamp) > toleranceSeconds) return false
  const expected = signPayload(secret, body, timestamp).split('v1=')[1]!
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
}
