/**
 * The OpenAPI paths of accounts (`/api/auth/*`), share links and sharing, merged into
 * `openapi.ts`'s document. The account routes authenticate with the session cookie
 * (`sessionCookie` scheme); sharing needs the owner role.
 */

type Json = Record<string, unknown>

const json = (schema: Json) => ({ 'application/json': { schema } })
const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Problem${status}` }]))
const nameParam = { name: 'name', in: 'path', required: true, description: 'Document name.', schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' } }
const cookie = [{ sessionCookie: [] }]
const account: Json = {
  type: 'object',
  required: ['id', 'name', 'kind'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    username: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    kind: { type: 'string', enum: ['local', 'guest', 'external'] },
  },
}
const userBody: Json = { type: 'object', required: ['user'], properties: { user: account } }
const grantable: Json = { type: 'string', enum: ['viewer', 'editor'] }
const member: Json = {
  type: 'object',
  properties: {
    user: { type: 'object', properties: { id: { type: 'string' }, name: { type: 'string' }, username: { type: ['string', 'null'] }, email: { type: ['string', 'null'] } } },
    role: { type: 'string', enum: ['owner', 'editor', 'viewer'] },
    source: { type: 'string', enum: ['owner', 'invite', 'link'] },
    grantedAt: { type: 'string', format: 'date-time' },
  },
}
const link: Json = { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, role: grantable, createdBy: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } } }
const setsCookie = { 'set-cookie': { description: '`collab_session=<id>; Path=/; Max-Age=…; HttpOnly; SameSite=Lax` (and `Secure` over HTTPS)', schema: { type: 'string' } } }

/** Paths to merge into the OpenAPI document. */
export const accountPaths = {
  '/api/auth/register': {
    post: {
      tags: ['accounts'],
      operationId: 'register',
      summary: 'Create an account (username, password, optional email and display name) and sign in',
      security: [],
      requestBody: {
        required: true,
        content: json({
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: {
            username: { type: 'string', pattern: '^[a-z0-9][a-z0-9._-]{2,31}$' },
            password: { type: 'string', minLength: 8, maxLength: 256 },
            email: { type: 'string', format: 'email' },
            name: { type: 'string', maxLength: 64 },
          },
        }),
      },
      responses: { '201': { description: 'Registered and signed in', headers: setsCookie, content: json(userBody) }, ...problems(400, 403, 409) },
    },
  },
  '/api/auth/signin': {
    post: {
      tags: ['accounts'],
      operationId: 'signIn',
      summary: 'Sign in by username or email and password (one 401 for unknown users and wrong passwords)',
      security: [],
      requestBody: { required: true, content: json({ type: 'object', required: ['login', 'password'], additionalProperties: false, properties: { login: { type: 'string' }, password: { type: 'string' } } }) },
      responses: { '200': { description: 'Signed in', headers: setsCookie, content: json(userBody) }, ...problems(400, 401, 429) },
    },
  },
  '/api/auth/signout': {
    post: { tags: ['accounts'], operationId: 'signOut', summary: 'End the session and clear the cookie', security: cookie, responses: { '204': { description: 'Signed out' } } },
  },
  '/api/auth/session': {
    get: { tags: ['accounts'], operationId: 'getSession', summary: 'The signed-in account', security: cookie, responses: { '200': { description: 'Signed in', content: json(userBody) }, ...problems(401) } },
  },
  '/api/auth/token': {
    post: {
      tags: ['accounts'],
      operationId: 'mintSessionToken',
      summary: 'A short-lived token (SESSION_TOKEN_TTL_S) for the WebSocket and the API, minted from the session',
      security: cookie,
      responses: {
        '200': {
          description: 'The token; it grants nothing by itself (roles come from owners, invites and links)',
          content: json({ type: 'object', required: ['token', 'user', 'expiresAt'], properties: { token: { type: 'string' }, user: account, expiresAt: { type: 'string', format: 'date-time' } } }),
        },
        ...problems(401, 403),
      },
    },
  },
  '/api/share-links/accept': {
    post: {
      tags: ['sharing'],
      operationId: 'acceptShareLink',
      summary: 'Open a share link: its role goes to the signed-in account, or to a new guest session (named `name`)',
      security: [],
      requestBody: { required: true, content: json({ type: 'object', required: ['secret'], additionalProperties: false, properties: { secret: { type: 'string' }, name: { type: 'string', maxLength: 64 } } }) },
      responses: {
        '200': { description: 'Access granted', headers: setsCookie, content: json({ type: 'object', properties: { document: { type: 'string' }, role: grantable, user: account } }) },
        ...problems(400, 404),
      },
    },
  },
  '/api/documents/{name}/members': {
    parameters: [nameParam],
    get: { tags: ['sharing'], operationId: 'listMembers', summary: 'Who has access (owner only)', responses: { '200': { description: 'Members', content: json({ type: 'object', properties: { members: { type: 'array', items: member } } }) }, ...problems(400, 401, 403, 404) } },
    post: {
      tags: ['sharing'],
      operationId: 'inviteMember',
      summary: 'Invite a person by username, email or id with a role, or change their role (owner only); their open connections follow at once',
      requestBody: { required: true, content: json({ type: 'object', required: ['user', 'role'], additionalProperties: false, properties: { user: { type: 'string' }, role: grantable } }) },
      responses: { '200': { description: 'The member', content: json(member) }, ...problems(400, 401, 403, 404, 409) },
    },
  },
  '/api/documents/{name}/members/{userId}': {
    parameters: [nameParam, { name: 'userId', in: 'path', required: true, description: 'Account id.', schema: { type: 'string' } }],
    delete: { tags: ['sharing'], operationId: 'removeMember', summary: 'Remove a person\'s access (owner only); their open connections are closed at once', responses: { '204': { description: 'Removed' }, ...problems(400, 401, 403, 404) } },
  },
  '/api/documents/{name}/links': {
    parameters: [nameParam],
    get: { tags: ['sharing'], operationId: 'listLinks', summary: 'Live share links, without secrets (owner only)', responses: { '200': { description: 'Links', content: json({ type: 'object', properties: { links: { type: 'array', items: link } } }) }, ...problems(400, 401, 403, 404) } },
    post: {
      tags: ['sharing'],
      operationId: 'createLink',
      summary: 'Make a share link with a role (owner only); the secret is only in this answer',
      requestBody: { required: true, content: json({ type: 'object', required: ['role'], additionalProperties: false, properties: { role: grantable } }) },
      responses: { '201': { description: 'Created', content: json({ allOf: [link, { type: 'object', properties: { secret: { type: 'string' }, path: { type: 'string' } } }] }) }, ...problems(400, 401, 403, 404) },
    },
  },
  '/api/documents/{name}/links/{id}': {
    parameters: [nameParam, { name: 'id', in: 'path', required: true, description: 'Link id.', schema: { type: 'string', format: 'uuid' } }],
    delete: { tags: ['sharing'], operationId: 'revokeLink', summary: 'Revoke a link and the access it gave (owner only); affected connections are closed at once', responses: { '204': { description: 'Revoked' }, ...problems(400, 401, 403, 404) } },
  },
}
