/**
 * Seeded fuzzing of the live server's HTTP surface: every route family (the API, accounts, share
 * links, the HTTP fallback's sessions, WebSocket and y-websocket upgrades, static files, the
 * development token endpoint, health and readiness) gets mutated requests over raw TCP (methods,
 * request targets, headers, bodies, and framing a client library would never produce) and over
 * fetch (keep-alive connections, well-formed framing). Half carry a signed-in user's session or
 * token, so the authenticated handlers are reached too.
 *
 * The server (a child process) must stay up, answer every request with a status (or close that
 * one socket), answer no client error with a 5xx, and keep serving an honest user throughout
 * [SEC15]. Every 500 it answered is listed with the request that caused it.
 *
 * Default: 6,000 mutated requests (about 15 s). `LONG=1` runs 30,000. `FUZZ_SEED=<n>` replays a
 * seed; the seed is printed and named in every failure. Inputs that once made the server fail are
 * replayed first, by name.
 */
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Person } from '../accounts/people.ts'
import { prng } from '../helpers/prng.ts'
import { spawnTestServer, type ChildServer } from '../helpers/server.ts'

const LONG = process.env.LONG === '1'
const TARGET = LONG ? 30_000 : 6_000
// The loop ends at TARGET; the time limit only bounds a machine too loaded to get there.
const TIME_LIMIT_MS = LONG ? 600_000 : 40_000
const WORKERS = 12
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31)
/** How long a raw socket waits for a status line (a request that declares more body than it sends waits the whole time). */
const ANSWER_TIMEOUT_MS = 1_500

/** What the fuzzer knows about the server: names and secrets that make requests reach deep. */
interface Known {
  port: number
  origin: string
  doc: string
  /** A document of the fuzzing user that DELETE requests may remove. */
  spareDoc: string
  cookie: string
  token: string
  userId: string
  honestUserId: string
  versionId: string
  linkId: string
  secret: string
  webhookId: string
  /** An open HTTP fallback session, renewed while the fuzz runs (idle sessions expire). */
  httpSession: string
}

/** One request as sent: `framing` says how the body is delimited on the wire. */
interface FuzzRequest {
  via: 'raw' | 'fetch'
  method: string
  target: string
  headers: [string, string][]
  body: Buffer
  framing: Framing
}

type Framing = 'length' | 'none' | 'short-length' | 'long-length' | 'huge-length' | 'bad-length' | 'double-length' | 'chunked' | 'bad-chunks' | 'chunked-and-length'

/** A request the routes expect, before mutation. */
interface Template {
  method: string
  path: string
  query?: string
  /** A valid JSON body (or raw text with `contentType`). */
  body?: (known: Known, random: () => number) => unknown
  contentType?: string
  upgrade?: boolean
  /** The request must not carry the fuzzing user's real session (signing out would end it). */
  noSession?: boolean
}

const UPGRADE = { upgrade: true } as const

function templates(): Template[] {
  const label = () => ({ label: 'fuzz version' })
  return [
    { method: 'GET', path: '/healthz' },
    { method: 'GET', path: '/readyz' },
    { method: 'GET', path: '/api/openapi.json' },
    { method: 'GET', path: '/api/documents' },
    { method: 'POST', path: '/api/documents', body: () => ({ title: 'Fuzzed', markdown: '# hi\n\n*there* [x](http://a)' }) },
    { method: 'POST', path: '/api/documents', body: () => ({ title: 'Fuzzed', html: '<p>hi <b>there</b><img src=x onerror=alert(1)></p>' }) },
    { method: 'GET', path: '/api/documents/{doc}' },
    { method: 'PATCH', path: '/api/documents/{doc}', body: () => ({ title: 'Renamed' }) },
    { method: 'DELETE', path: '/api/documents/{spareDoc}' },
    { method: 'GET', path: '/api/documents/{doc}/content', query: 'format=markdown' },
    { method: 'GET', path: '/api/documents/{doc}/content', query: 'format=html' },
    { method: 'PUT', path: '/api/documents/{doc}/content', body: () => '# Title\n\n- a\n- b\n\n```js\nx\n```\n', contentType: 'text/markdown' },
    { method: 'PUT', path: '/api/documents/{doc}/content', body: () => '<h1>T</h1><p>a<em>b</em></p><ul><li>x</li></ul>', contentType: 'text/html' },
    { method: 'PUT', path: '/api/documents/{doc}/content', body: () => ({ type: 'doc', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'hi' }] }] }) },
    { method: 'PUT', path: '/api/documents/{doc}/content', body: () => 'plain text body', contentType: 'text/plain' },
    { method: 'GET', path: '/api/documents/{doc}/versions' },
    { method: 'POST', path: '/api/documents/{doc}/versions', body: label },
    { method: 'GET', path: '/api/documents/{doc}/versions/{versionId}', query: 'format=text' },
    { method: 'GET', path: '/api/documents/{doc}/versions/{versionId}/changes' },
    { method: 'POST', path: '/api/documents/{doc}/versions/{versionId}/restore' },
    { method: 'POST', path: '/api/documents/{doc}/restores/1/undo' },
    { method: 'GET', path: '/api/documents/{doc}/changes', query: 'since=2020-01-01T00:00:00Z&until=2999-01-01T00:00:00Z&limit=10&user={userId}' },
    { method: 'GET', path: '/api/documents/{doc}/changes/summary', query: 'since=2020-01-01T00:00:00Z' },
    { method: 'GET', path: '/api/changes', query: 'limit=5' },
    { method: 'GET', path: '/api/documents/{doc}/members' },
    { method: 'POST', path: '/api/documents/{doc}/members', body: (known) => ({ user: known.honestUserId, role: 'viewer' }) },
    { method: 'DELETE', path: '/api/documents/{doc}/members/{honestUserId}' },
    { method: 'GET', path: '/api/documents/{doc}/links' },
    { method: 'POST', path: '/api/documents/{doc}/links', body: () => ({ role: 'editor' }) },
    { method: 'DELETE', path: '/api/documents/{doc}/links/{linkId}' },
    { method: 'GET', path: '/api/webhooks' },
    { method: 'POST', path: '/api/webhooks', body: (known) => ({ url: 'http://127.0.0.1:9/hook', document: known.doc, events: ['document.changed'], secret: 'sixteen-chars-secret' }) },
    { method: 'GET', path: '/api/webhooks/{webhookId}' },
    { method: 'DELETE', path: '/api/webhooks/{webhookId}' },
    { method: 'GET', path: '/api/webhooks/{webhookId}/deliveries' },
    { method: 'POST', path: '/api/auth/register', body: (_known, random) => ({ username: `fz${Math.floor(random() * 1e9)}`, password: 'long enough password', email: 'a@b.example', name: 'Fuzz' }) },
    { method: 'POST', path: '/api/auth/signin', body: () => ({ login: 'fuzzer', password: 'correct horse battery' }) },
    { method: 'POST', path: '/api/auth/signout', noSession: true },
    { method: 'GET', path: '/api/auth/session' },
    { method: 'POST', path: '/api/auth/token' },
    { method: 'POST', path: '/api/share-links/accept', body: (known) => ({ secret: known.secret, name: 'Guest' }) },
    { method: 'POST', path: '/api/dev/token', body: () => ({ name: 'Dev', id: 'dev-id' }) },
    { method: 'POST', path: '/collab-http/sessions' },
    { method: 'GET', path: '/collab-http/sessions/{httpSession}/events' },
    { method: 'POST', path: '/collab-http/sessions/{httpSession}/messages', query: 'seq=0&ack=0', body: () => Buffer.from([0, 0, 0, 3, 1, 2, 3]), contentType: 'application/octet-stream' },
    { method: 'DELETE', path: '/collab-http/sessions/{httpSession}' },
    { method: 'GET', path: '/collab', ...UPGRADE },
    { method: 'GET', path: '/yjs/{doc}', ...UPGRADE },
    { method: 'GET', path: '/' },
    { method: 'GET', path: '/index.html' },
    { method: 'GET', path: '/assets/app.js' },
    { method: 'GET', path: '/assets/caf%C3%A9 file.css' },
    { method: 'GET', path: '/share/{secret}' },
    { method: 'GET', path: '/d/{doc}' },
  ]
}

/** Values of the wrong type, or of the right type and hostile, for any field. */
const HOSTILE_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  1.5,
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\u202e\u0635',
  '😀'.repeat(50),
  'x'.repeat(300),
  'y'.repeat(70_000),
  [],
  [1, 'a', null],
  {},
  { nested: { deeper: [{}] } },
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '2026-13-45T99:99:99Z',
  'NaN',
  'Infinity',
  '__proto__',
  'constructor',
  'editor',
  'owner',
]

/** Whole bodies no schema expects. */
const RAW_BODIES: string[] = [
  '{',
  '}',
  '[',
  'null',
  '"string"',
  '12',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"a":1,"a":2}',
  '\ufeff{}',
  '{"title":"\\ud800"}',
  '{"title":"\\u0000"}',
  `${'['.repeat(5_000)}${']'.repeat(5_000)}`,
  `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
  `{"title":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
]

const JUNK_TOKENS: string[] = [
  '',
  ' ',
  'x',
  'a.b.c',
  '...',
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.',
  `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ user: { id: 'root', name: 'root' }, exp: 9999999999 })}.c2ln`,
  `${b64({ alg: 'RS256', kid: '../../etc/passwd' })}.${b64({ user: null, docs: 'all', exp: 'soon' })}.AAAA`,
  `${b64({ alg: 'none' })}.${b64({ user: { id: 'x', name: 'x' } })}.`,
  `${b64('not json')}.${b64('not json')}.${b64('not json')}`,
  `${b64({ alg: 'HS256' })}.${'A'.repeat(20_000)}.sig`,
  '%%%.%%%.%%%',
  'Z'.repeat(9_000),
]

function b64(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')
}

/** Produces mutated requests from the templates, deterministically for a seed. */
class Mutator {
  readonly random: () => number
  readonly known: Known
  readonly all = templates()
  constructor(seed: number, known: Known) {
    this.random = prng(seed)
    this.known = known
  }

  chance(p: number): boolean {
    return this.random() < p
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!
  }
  int(max: number): number {
    return Math.floor(this.random() * max)
  }

  fill(text: string): string {
    return text.replace(/\{(\w+)\}/g, (_all, key: string) => String(this.known[key as keyof Known]))
  }

  next(): FuzzRequest {
    const template = this.pick(this.all)
    const method = this.chance(0.15) ? this.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE', 'FOO', 'get', 'M-SEARCH', 'PROPFIND', 'CONNECT']) : template.method
    let target = this.fill(template.path)
    if (this.chance(0.35)) target = this.mutatePath(target)
    let query = template.query ? this.fill(template.query) : ''
    if (this.chance(0.3)) query = this.mutateQuery(query)
    if (query !== '') target += `?${query}`
    if (this.chance(0.03)) target = this.pick(['*', 'http://localhost/api/documents', 'localhost:80', '', ' ', '/ /', '/\t/', '/#frag', '/?#'])

    const headers: [string, string][] = [['host', `127.0.0.1:${this.known.port}`]]
    const authenticated = this.chance(0.55)
    if (authenticated) {
      if (!template.noSession && this.chance(0.6)) headers.push(['cookie', this.known.cookie])
      else headers.push(['authorization', `Bearer ${this.known.token}`])
    }
    if (template.upgrade) {
      headers.push(['upgrade', 'websocket'], ['connection', 'Upgrade'], ['sec-websocket-key', 'dGhlIHNhbXBsZSBub25jZQ=='], ['sec-websocket-version', '13'])
    }

    let body: Buffer = Buffer.alloc(0)
    const contentType = template.contentType ?? 'application/json'
    if (template.body) {
      const valid = template.body(this.known, this.random)
      body = this.mutateBody(valid)
      headers.push(['content-type', contentType])
    } else if (this.chance(0.15)) {
      body = this.mutateBody({ unexpected: 'body' })
      headers.push(['content-type', contentType])
    }
    const mutations = this.chance(0.6) ? 1 + this.int(4) : 0
    for (let i = 0; i < mutations; i++) this.mutateHeaders(headers, template)

    const via = this.chance(0.25) ? 'fetch' : 'raw'
    const framing: Framing = this.chance(0.75)
      ? body.length > 0 || method !== 'GET'
        ? 'length'
        : 'none'
      : this.pick(['none', 'short-length', 'long-length', 'huge-length', 'bad-length', 'double-length', 'chunked', 'bad-chunks', 'chunked-and-length'])
    return { via, method, target, headers, body, framing }
  }

  mutatePath(path: string): string {
    const segments = path.split('/')
    const at = 1 + this.int(Math.max(1, segments.length - 1))
    switch (this.int(14)) {
      case 0:
        return path.replace(/[a-z]/g, (letter) => (this.chance(0.3) ? `%${letter.charCodeAt(0).toString(16)}` : letter))
      case 1:
        segments[at] = this.pick(['%', '%zz', '%00', '%2e%2e', '%2F', '%c0%af', '%ff%fe', '%E0%A4%A', '%ed%a0%80'])
        return segments.join('/')
      case 2:
        segments[at] = this.pick(['..', '.', '...', '../..', '%2e%2e%2f%2e%2e'])
        return segments.join('/')
      case 3:
        return `${path}/${'..%2F'.repeat(1 + this.int(8))}etc/passwd`
      case 4:
        segments[at] = 'a'.repeat(this.pick([129, 1_000, 8_000, 60_000]))
        return segments.join('/')
      case 5:
        segments[at] = this.pick(['café', '文档', '😀', '\u202e', 'a\u0000b', 'ä'.normalize('NFD')])
        return segments.join('/')
      case 6:
        return path.replace(/\//g, () => (this.chance(0.4) ? '//' : '/'))
      case 7:
        return `${path}/`
      case 8:
        return path.replace(/\//g, () => (this.chance(0.3) ? '\\' : '/'))
      case 9:
        return `${path};jsessionid=1`
      case 10:
        return path.toUpperCase()
      case 11:
        segments[at] = this.pick(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', '0', '-1', '1e400', '99999999999999999999'])
        return segments.join('/')
      case 12:
        return `${path}/${this.pick(['x', 'events', 'messages', 'content', 'versions', 'links', 'members'])}`
      default:
        return segments.slice(0, at).join('/') || '/'
    }
  }

  mutateQuery(query: string): string {
    const extra = this.pick([
      'format=' + this.pick(['json', 'markdown', 'html', 'text', 'pdf', '', 'JSON', 'json&format=html']),
      'seq=' + this.pick(['-1', '1e309', 'abc', '0x10', '9007199254740993', '', '1.5', '99999']),
      'ack=' + this.pick(['-1', 'NaN', '18446744073709551616', '', ' 2']),
      'since=' + this.pick(['yesterday', '2026-02-30T00:00:00Z', '0', '+275760-09-13T00:00:00.000Z', '']),
      'until=' + this.pick(['2026-01-01', '9999-99-99T99:99:99Z']),
      'limit=' + this.pick(['0', '-5', '1001', '1e3', 'abc', '10.5', '']),
      'user=' + this.pick(['', '%', '%zz', 'x'.repeat(5_000)]),
      '%',
      '%zz=%zz',
      '&&&==',
      '__proto__=1',
      'constructor[prototype]=1',
      `${'a=1&'.repeat(2_000)}`,
      'q=' + 'é'.repeat(10),
    ])
    if (this.chance(0.3)) return extra
    return query ? `${query}&${extra}` : extra
  }

  mutateBody(valid: unknown): Buffer {
    const text = Buffer.isBuffer(valid) ? valid : Buffer.from(typeof valid === 'string' ? valid : JSON.stringify(valid))
    switch (this.int(10)) {
      case 0:
      case 1:
        return text
      case 2:
      case 3: {
        if (typeof valid !== 'object' || valid === null || Buffer.isBuffer(valid)) return Buffer.from(JSON.stringify(this.pick(HOSTILE_VALUES)))
        const copy = { ...(valid as Record<string, unknown>) }
        const keys = Object.keys(copy)
        if (keys.length === 0 || this.chance(0.2)) copy[this.pick(['extra', 'role', 'title', 'url', 'secret', 'label'])] = this.pick(HOSTILE_VALUES)
        else copy[this.pick(keys)] = this.pick(HOSTILE_VALUES)
        return Buffer.from(JSON.stringify(copy))
      }
      case 4:
        return Buffer.from(JSON.stringify(this.pick(HOSTILE_VALUES)))
      case 5:
        return Buffer.from(this.pick(RAW_BODIES))
      case 6:
        return text.subarray(0, this.int(text.length))
      case 7: {
        const copy = Buffer.from(text)
        for (let i = 0; i < 1 + this.int(4); i++) if (copy.length) copy[this.int(copy.length)]! ^= 1 << this.int(8)
        return copy
      }
      case 8:
        return Buffer.from(Array.from({ length: this.pick([1, 16, 1_000, 70_000]) }, () => this.int(256)))
      default:
        // Over every body limit (2 MiB for the API, 64 KiB for dev tokens, the message limit for sessions).
        return Buffer.concat([Buffer.from('{"title":"'), Buffer.alloc(this.pick([70_000, 2_200_000]), 'x'), Buffer.from('"}')])
    }
  }

  mutateHeaders(headers: [string, string][], template: Template): void {
    const set = (name: string, value: string) => {
      const index = headers.findIndex(([key]) => key === name)
      if (index >= 0 && this.chance(0.7)) headers[index] = [name, value]
      else headers.push([name, value])
    }
    const sessionValue = () =>
      this.pick([
        '',
        '%',
        '%zz',
        '"quoted"',
        'x'.repeat(this.pick([64, 8_000, 60_000])),
        `${this.known.cookie.split('=')[1]!}x`,
        this.known.cookie.split('=')[1]!.slice(1),
        '\u00ff\u00fe',
        'a=b=c',
        ';;;',
        '0'.repeat(64),
      ])
    switch (this.int(16)) {
      case 0:
        return set('host', this.pick(['', 'a b', '[', 'localhost:99999', 'x'.repeat(5_000), 'évil', '127.0.0.1', '[::1]:1', 'h:']))
      case 1:
        return set('origin', this.pick(['null', 'http://evil.example', `http://127.0.0.1:${this.known.port}`, '%', 'http://[', 'x'.repeat(3_000), '', 'file://', 'http://localhost:99999']))
      case 2:
        return set('cookie', `collab_session=${sessionValue()}`)
      case 3:
        return set('cookie', this.pick([`collab_session=${sessionValue()}; collab_session=${sessionValue()}`, `${this.known.cookie}; ${this.known.cookie}`, `a=${'b'.repeat(4_000)}; ${this.known.cookie}`, '=', ';', `collab_session`, `collab_session=${encodeURIComponent('é%')}`]))
      case 4:
        return set('authorization', this.pick([`Bearer ${this.pick(JUNK_TOKENS)}`, 'Bearer', 'bearer x', 'Basic Zm9vOmJhcg==', 'Basic %%%', `Bearer ${this.known.token}x`, `Bearer ${this.known.token.slice(0, -3)}`, `Bearer  ${this.known.token}`, `Token ${this.known.token}`]))
      case 5:
        return set('content-type', this.pick(['application/json', 'text/markdown', 'text/html', 'text/plain', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', ';', '', 'APPLICATION/JSON', 'application/octet-stream', 'x'.repeat(2_000), 'application/x-www-form-urlencoded']))
      case 6:
        return set('last-event-id', this.pick(['', '-1', '1e309', '0x10', 'abc', '9007199254740993', '1.5', ' 3 ', '99999999', '0', '1']))
      case 7:
        if (!template.upgrade && this.chance(0.7)) return set('sec-fetch-site', this.pick(['cross-site', 'same-origin', 'none', '']))
        return set('sec-websocket-key', this.pick(['', 'short', 'x'.repeat(1_000), '!!!!!!!!!!!!!!!!!!!!!!==', 'dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==']))
      case 8:
        return set('sec-websocket-version', this.pick(['', '8', '14', '13, 8', 'x', '99999999999']))
      case 9:
        return set('sec-websocket-protocol', this.pick(['', ',', 'a b', 'x'.repeat(4_000), 'chat, chat', '\u00ff']))
      case 10:
        return set('sec-websocket-extensions', this.pick(['permessage-deflate; client_max_window_bits=99', 'permessage-deflate; server_max_window_bits', 'x-unknown', ';;', 'permessage-deflate; client_no_context_takeover; client_no_context_takeover']))
      case 11:
        return set(this.pick(['upgrade', 'connection']), this.pick(['websocket', 'Upgrade', 'h2c', 'close', 'keep-alive, Upgrade', '', 'WebSocket']))
      case 12:
        return set('range', this.pick(['bytes=0-0', 'bytes=99999-1', 'bytes=-1', 'bytes=0-', 'bytes=x-y', 'bytes=1-2,3-4,5-6', 'pages=1', 'bytes=-0', 'bytes=18446744073709551616-']))
      case 13:
        return set(this.pick(['if-none-match', 'if-modified-since', 'accept-encoding', 'accept']), this.pick(['*', 'W/"x"', 'garbage', 'Thu, 99 Xyz 99999 99:99:99 GMT', 'gzip;q=2, br;q=-1', '', 'x'.repeat(3_000)]))
      case 14:
        return set(this.pick(['x-forwarded-for', 'x-forwarded-proto', 'forwarded', 'x-real-ip']), this.pick(['', 'https', '1.2.3.4, ::1', 'for="[::1]"', 'x'.repeat(1_000)]))
      default:
        // Header lines a client library refuses to send: duplicates, odd names, very long values.
        headers.push([this.pick(['x-junk', 'content-length', 'transfer-encoding', 'expect', 'x\tname', 'a b']), this.pick(['', '100-continue', 'chunked', 'gzip, chunked', '-1', 'x'.repeat(9_000)])])
    }
  }
}

/** Raw bytes of a request, framed as `framing` says. */
function encodeRaw(request: FuzzRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`]
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`)
  let body = request.body
  switch (request.framing) {
    case 'length':
      lines.push(`content-length: ${body.length}`)
      break
    case 'none':
      break
    case 'short-length':
      lines.push(`content-length: ${Math.max(0, body.length - 3)}`)
      break
    case 'long-length':
      lines.push(`content-length: ${body.length + 10}`)
      break
    case 'huge-length':
      lines.push('content-length: 99999999999999999999')
      break
    case 'bad-length':
      lines.push(`content-length: ${['-1', 'abc', '1e3', ' ', '0x10', '1,2'][body.length % 6]}`)
      break
    case 'double-length':
      lines.push(`content-length: ${body.length}`, `content-length: ${body.length + 1}`)
      break
    case 'chunked':
      lines.push('transfer-encoding: chunked')
      body = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from(body.length ? '\r\n0\r\n\r\n' : '\r\n')])
      break
    case 'bad-chunks':
      lines.push('transfer-encoding: chunked')
      body = Buffer.concat([Buffer.from(['zz', 'ffffffffffffffff', '-1', '3;ext=' + 'x'.repeat(5_000), '2'][body.length % 5]! + '\r\n'), body, Buffer.from('\r\n')])
      break
    case 'chunked-and-length':
      lines.push('transfer-encoding: chunked', `content-length: ${body.length}`)
      body = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')])
      break
  }
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), body])
}

/** Sends raw bytes; resolves with the status of the answer, or null when the socket closed (or timed out) without one. */
function sendRaw(port: number, bytes: Buffer): Promise<number | null> {
  return new Promise((resolve) => {
    let answer = ''
    let settled = false
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes, () => {}))
    const finish = (status: number | null) => {
      if (settled) return
      settled = true
      socket.destroy()
      resolve(status)
    }
    const timer = setTimeout(() => finish(null), ANSWER_TIMEOUT_MS)
    socket.on('data', (data) => {
      answer += data.toString('latin1')
      const line = /^HTTP\/1\.1 (\d{3})[^\r\n]*\r\n/.exec(answer)
      if (line) {
        clearTimeout(timer)
        finish(Number(line[1]))
      } else if (answer.length > 64 && !answer.startsWith('HTTP/')) {
        clearTimeout(timer)
        finish(-1)
      }
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      finish(null)
    })
  })
}

/** Sends a request with fetch; null when fetch itself refused it (an invalid header) or the connection failed. */
async function sendFetch(origin: string, request: FuzzRequest): Promise<number | null> {
  try {
    const method = request.method === 'CONNECT' || request.method === 'TRACE' ? 'GET' : request.method
    const hasBody = request.body.length > 0 && method !== 'GET' && method !== 'HEAD'
    const response = await fetch(`${origin}${request.target.startsWith('/') ? request.target : `/${request.target}`}`, {
      method,
      headers: request.headers.filter(([name]) => !['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'expect'].includes(name)),
      body: hasBody ? new Uint8Array(request.body) : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    })
    await response.body?.cancel()
    return response.status
  } catch {
    return null
  }
}

/** A request in a form that can be read in a failure message and pasted into a regression case. */
function describeRequest(request: FuzzRequest): string {
  const short = (text: string) => (text.length > 160 ? `${text.slice(0, 160)}…(${text.length})` : text)
  return JSON.stringify({
    via: request.via,
    method: request.method,
    target: short(request.target),
    headers: request.headers.map(([name, value]) => `${name}: ${short(value)}`),
    framing: request.framing,
    body: short(request.body.toString('utf8')),
  })
}

/** A directory standing in for the built client, with names a path mutation can get wrong. */
function fakeClientDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'collab-fuzz-client-'))
  fs.mkdirSync(path.join(dir, 'assets'))
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>fuzz</title><script type="module" src="/assets/app.js"></script>')
  fs.writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("fuzz")\n'.repeat(100))
  fs.writeFileSync(path.join(dir, 'assets', 'café file.css'), 'body{}\n')
  return dir
}

describe(`fuzzing the HTTP surface (seed ${SEED})`, () => {
  let server: ChildServer
  let known: Known
  let honest: Person
  let honestDoc: string

  beforeAll(async () => {
    server = await spawnTestServer({ LOG_LEVEL: 'error', CLIENT_DIR: fakeClientDir(), DEV_TOKENS: 'true' })
    const fuzzer = new Person(server.url, 'fuzzer')
    const fuzzerUser = await fuzzer.register()
    honest = new Person(server.url, 'honest')
    const honestUser = await honest.register()
    const doc = (await fuzzer.call('POST', '/api/documents', { title: 'Fuzz target', markdown: '# Fuzz\n\nbody' })).body.name as string
    const spareDoc = (await fuzzer.call('POST', '/api/documents', { title: 'Spare' })).body.name as string
    const version = await fuzzer.call('POST', `/api/documents/${doc}/versions`, { label: 'first' })
    const link = await fuzzer.call('POST', `/api/documents/${doc}/links`, { role: 'viewer' })
    const token = await fuzzer.token()
    const webhook = await fuzzer.call('POST', '/api/webhooks', { url: 'http://192.0.2.1/hook', document: doc }, { authorization: `Bearer ${token}` })
    honestDoc = (await honest.call('POST', '/api/documents', { title: 'Honest', markdown: 'honest text' })).body.name as string
    known = {
      port: server.port,
      // Another origin string, so fetch keeps the fuzzer's connections apart from the honest user's.
      origin: server.url.replace('127.0.0.1', 'localhost'),
      doc,
      spareDoc,
      cookie: fuzzer.cookie!,
      token,
      userId: fuzzerUser.id,
      honestUserId: honestUser.id,
      versionId: String(version.body.id ?? 1),
      linkId: String(link.body.id ?? 'none'),
      secret: String(link.body.secret ?? 'none'),
      webhookId: String(webhook.body.id ?? 'none'),
      httpSession: await openHttpSession(server.url),
    }
  })
  afterAll(async () => {
    const code = await server?.stop()
    // A clean shutdown after the fuzz: SIGTERM ends the process with 0.
    expect(code, `server exit code (FUZZ_SEED=${SEED})`).toBe(0)
  })

  /** Error-level lines the server logged (pino levels 50 and 60): a client's input must never cause one. */
  const serverFailures = () => server.output().split('\n').filter((line) => /"level":(50|60)/.test(line))

  // Inputs the fuzzer found, replayed by name on every run.
  it('[SEC15] POST /api/dev/token with the JSON body `null` is answered 400 (it used to read a field of null: 500)', async () => {
    const body = 'null'
    const status = await sendRaw(known.port, Buffer.from(`POST /api/dev/token HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`))
    expect(status).toBe(400)
    for (const other of ['[]', '"name"', '12', 'true']) {
      const answer = await fetch(`${server.url}/api/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: other })
      expect({ other, status: answer.status }).toEqual({ other, status: 400 })
    }
  })

  it('[SEC15] an API request whose client hangs up mid-body is not logged as a server failure (it used to log "api handler failed")', async () => {
    const before = serverFailures().length
    await new Promise<void>((resolve) => {
      const socket = net.connect(known.port, '127.0.0.1', () => {
        socket.write(`POST /api/documents HTTP/1.1\r\nhost: 127.0.0.1\r\ncookie: ${known.cookie}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"title":`, () => {
          setTimeout(() => socket.destroy(), 100)
        })
      })
      socket.on('error', () => {})
      socket.on('close', () => resolve())
    })
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(serverFailures().slice(before)).toEqual([])
  })

  it(`[SEC15] ${TARGET.toLocaleString('en')} mutated HTTP requests: the server stays up, answers no client error with a 5xx and keeps serving an honest user`, async () => {
    console.log(`http fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED})`)
    const failure = (what: string) => `${what} (FUZZ_SEED=${SEED})`
    const started = Date.now()
    const statuses = new Map<string, number>()
    // First request of each kind (status, method, path) answered with a 5xx.
    const serverErrors = new Map<string, string>()
    let sent = 0
    let done = false

    const worker = async (index: number) => {
      const mutator = new Mutator(SEED + index * 7919, known)
      while (!done && sent < TARGET) {
        sent++
        const request = mutator.next()
        const status = request.via === 'raw' ? await sendRaw(known.port, encodeRaw(request)) : await sendFetch(known.origin, request)
        const key = status === null ? 'no answer' : status === -1 ? 'not HTTP' : String(status)
        statuses.set(key, (statuses.get(key) ?? 0) + 1)
        if (status !== null && status >= 500 && status !== 503) {
          const kind = `${status} ${request.method} ${request.target.split('?', 1)[0]!.slice(0, 80)}`
          if (!serverErrors.has(kind)) serverErrors.set(kind, describeRequest(request))
        }
      }
    }

    let honestRounds = 0
    const honestUser = async () => {
      while (!done) {
        expect(server.process.exitCode, failure('the server process is alive')).toBeNull()
        expect((await fetch(`${server.url}/healthz`)).status, failure('GET /healthz')).toBe(200)
        const text = `honest round ${honestRounds}`
        const put = await honest.call('PUT', `/api/documents/${honestDoc}/content`, undefined, { 'content-type': 'text/markdown' })
        expect([200, 400], failure('an empty honest PUT is answered')).toContain(put.status)
        const written = await fetch(`${server.url}/api/documents/${honestDoc}/content`, { method: 'PUT', headers: { cookie: honest.cookie!, 'content-type': 'text/markdown' }, body: text })
        expect(written.status, failure('the honest user writes')).toBe(200)
        const read = await honest.call('GET', `/api/documents/${honestDoc}/content?format=text`)
        expect({ status: read.status, text: read.text.trim() }, failure('the honest user reads back')).toEqual({ status: 200, text })
        // Idle HTTP sessions expire: keep one open for the fuzzer to aim at.
        if (honestRounds % 4 === 0) known.httpSession = (await openHttpSession(server.url).catch(() => known.httpSession)) ?? known.httpSession
        honestRounds++
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }

    const clock = async () => {
      while (!done) {
        await new Promise((resolve) => setTimeout(resolve, 500))
        if (sent >= TARGET || Date.now() - started > TIME_LIMIT_MS) done = true
      }
    }

    const workers = Promise.all(Array.from({ length: WORKERS }, (_, index) => worker(index))).finally(() => (done = true))
    await Promise.all([workers, honestUser(), clock()])
    const seconds = (Date.now() - started) / 1000
    console.log(`http fuzz: ${sent} requests in ${seconds.toFixed(1)} s, honest rounds ${honestRounds}, statuses ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`)
    if (serverErrors.size > 0) console.log(`server errors:\n${[...serverErrors].map(([kind, example]) => `${kind}: ${example}`).join('\n')}`)

    expect(server.process.exitCode, failure('the server process is alive')).toBeNull()
    expect([...serverErrors.keys()], failure('requests answered with a 5xx')).toEqual([])
    expect(serverFailures().slice(0, 5), failure('server failures logged')).toEqual([])
    expect(sent, failure('requests sent')).toBeGreaterThanOrEqual(Math.min(TARGET, 1_000))
    expect(honestRounds, failure('honest rounds')).toBeGreaterThan(3)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  }, TIME_LIMIT_MS + 60_000)
})

async function openHttpSession(url: string): Promise<string> {
  const response = await fetch(`${url}/collab-http/sessions`, { method: 'POST' })
  const body = (await response.json()) as { id?: string }
  if (!body.id) throw new Error(`no HTTP session: ${response.status}`)
  return body.id
}
