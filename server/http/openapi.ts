/**
 * The OpenAPI 3.1 description of the REST API, served at `/api/openapi.json`.
 *
 * Written by hand next to the routes; `tests/api/openapi.test.ts` checks that every route is
 * described here and every reference resolves.
 */
import { CONTENT_FORMATS } from '../api/content-formats.ts'
import { accountPaths } from './openapi-accounts.ts'
import { openApiSchemas } from './openapi-schemas.ts'
import { WEBHOOK_EVENTS } from '../webhooks/webhook-service.ts'

type Json = Record<string, unknown>

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: Json) => ({ 'application/json': { schema } })
const ok = (description: string, schema: Json, status = '200') => ({ [status]: { description, content: json(schema) } })
const problems = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [String(status), { $ref: `#/components/responses/Problem${status}` }]))
const nameParam = { name: 'name', in: 'path', required: true, description: 'Document name: 1–128 of [A-Za-z0-9._-], starting with a letter or digit.', schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' } }
const versionParam = { name: 'id', in: 'path', required: true, description: 'Version id.', schema: { type: 'integer', minimum: 1 } }
const hookParam = { name: 'id', in: 'path', required: true, description: 'Webhook id.', schema: { type: 'string', format: 'uuid' } }
const formatParam = {
  name: 'format',
  in: 'query',
  required: false,
  description: 'Representation: ProseMirror JSON (default), Markdown, HTML or plain text.',
  schema: { type: 'string', enum: [...CONTENT_FORMATS], default: 'json' },
}
const changeFilters = [
  { name: 'since', in: 'query', description: 'Only changes at or after this time (ISO 8601).', schema: { type: 'string', format: 'date-time' } },
  { name: 'until', in: 'query', description: 'Only changes before this time (ISO 8601).', schema: { type: 'string', format: 'date-time' } },
  { name: 'user', in: 'query', description: 'Only changes by this user id.', schema: { type: 'string' } },
  { name: 'limit', in: 'query', description: 'Most entries, newest first.', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
]
const contentBodies = {
  'application/json': { schema: ref('ProseMirrorDocument') },
  'text/markdown': { schema: { type: 'string' } },
  'text/html': { schema: { type: 'string' } },
  'text/plain': { schema: { type: 'string' } },
}
const contentResponses = {
  'application/json': { schema: ref('ProseMirrorDocument') },
  'text/markdown': { schema: { type: 'string' } },
  'text/html': { schema: { type: 'string' } },
  'text/plain': { schema: { type: 'string' } },
}

const PROBLEM_TITLES: Record<number, string> = {
  400: 'Invalid input (bad-request, invalid-body, invalid-query, invalid-document-name)',
  401: 'Not signed in (unauthorized)',
  403: 'No access, or the role does not allow it (forbidden)',
  404: 'No such document, version, webhook or endpoint',
  405: 'Method not allowed',
  413: 'Body too large (payload-too-large)',
  409: 'Conflict (conflict): taken username or email, the owner\'s own role',
  415: 'Unsupported media type',
  429: 'Too many requests (too-many-requests): e.g. failed sign-ins; see Retry-After',
}

/** The OpenAPI document. */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Collab editor API',
    version: '1.0.0',
    description:
      'Documents, their content, versions, change log and webhooks. Authenticate with `Authorization: Bearer <token>` (the same tokens and roles as the editor). Errors are RFC 9457 problem details with a stable `code`. Content changes made here are CRDT changes: connected editors see them live and concurrent edits merge. Stock y-websocket clients can also join any document at `ws(s)://<host>/yjs/<name>?token=<token>`.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  tags: [{ name: 'documents' }, { name: 'content' }, { name: 'history' }, { name: 'webhooks' }, { name: 'accounts' }, { name: 'sharing' }],
  paths: {
    '/api/documents': {
      get: {
        tags: ['documents'],
        operationId: 'listDocuments',
        summary: 'Documents the caller can open, most recently changed first',
        responses: { ...ok('The documents', { type: 'object', required: ['documents'], properties: { documents: { type: 'array', items: ref('DocumentSummary') } } }), ...problems(401) },
      },
      post: {
        tags: ['documents'],
        operationId: 'createDocument',
        summary: 'Create a document (optionally importing Markdown or HTML); the server picks its name',
        requestBody: { required: false, content: json(ref('CreateDocument')) },
        responses: { ...ok('Created', { type: 'object', required: ['name', 'title'], properties: { name: { type: 'string' }, title: { type: 'string' } } }, '201'), ...problems(400, 401, 413, 415) },
      },
    },
    '/api/documents/{name}': {
      parameters: [nameParam],
      get: { tags: ['documents'], operationId: 'getDocument', summary: 'A document\'s metadata', responses: { ...ok('The document', ref('Document')), ...problems(400, 401, 403, 404) } },
      patch: {
        tags: ['documents'],
        operationId: 'renameDocument',
        summary: 'Rename: writes the title into the document (live for connected editors)',
        requestBody: { required: true, content: json({ type: 'object', required: ['title'], additionalProperties: false, properties: { title: { type: 'string', maxLength: 200 } } }) },
        responses: { ...ok('Renamed', { type: 'object', properties: { name: { type: 'string' }, title: { type: 'string' } } }), ...problems(400, 401, 403, 404) },
      },
      delete: {
        tags: ['documents'],
        operationId: 'deleteDocument',
        summary: 'Delete: closes connections, removes content, versions and change log; the name stays refused',
        responses: { '204': { description: 'Deleted' }, ...problems(400, 401, 403, 404) },
      },
    },
    '/api/documents/{name}/content': {
      parameters: [nameParam],
      get: {
        tags: ['content'],
        operationId: 'getContent',
        summary: 'The body as ProseMirror JSON, Markdown, HTML or plain text',
        parameters: [formatParam],
        responses: { '200': { description: 'The content', content: contentResponses }, ...problems(400, 401, 403, 404) },
      },
      put: {
        tags: ['content'],
        operationId: 'replaceContent',
        summary: 'Replace the body (one CRDT change, diffed against the current body)',
        requestBody: { required: true, content: contentBodies },
        responses: { ...ok('Replaced', { type: 'object', properties: { name: { type: 'string' }, content: ref('ProseMirrorDocument') } }), ...problems(400, 401, 403, 404, 413, 415) },
      },
    },
    '/api/documents/{name}/versions': {
      parameters: [nameParam],
      get: { tags: ['history'], operationId: 'listVersions', summary: 'Versions, newest first', responses: { ...ok('Versions', { type: 'object', properties: { versions: { type: 'array', items: ref('Version') } } }), ...problems(400, 401, 403, 404) } },
      post: {
        tags: ['history'],
        operationId: 'saveVersion',
        summary: 'Save the current state as a named version',
        requestBody: { required: true, content: json({ type: 'object', required: ['label'], additionalProperties: false, properties: { label: { type: 'string', minLength: 1, maxLength: 200 } } }) },
        responses: { ...ok('Saved', ref('Version'), '201'), ...problems(400, 401, 403, 404) },
      },
    },
    '/api/documents/{name}/versions/{id}': {
      parameters: [nameParam, versionParam],
      get: {
        tags: ['history'],
        operationId: 'getVersion',
        summary: 'A version\'s content (JSON: the version with `content`; other formats: the content only)',
        parameters: [formatParam],
        responses: {
          '200': {
            description: 'The version',
            content: { ...contentResponses, 'application/json': { schema: { allOf: [ref('Version'), { type: 'object', properties: { content: ref('ProseMirrorDocument') } }] } } },
          },
          ...problems(400, 401, 403, 404),
        },
      },
    },
    '/api/documents/{name}/versions/{id}/changes': {
      parameters: [nameParam, versionParam],
      get: {
        tags: ['history'],
        operationId: 'getVersionChanges',
        summary: 'The current body with text added since the version (by author) and removed since it',
        responses: { ...ok('Changes', { type: 'object', properties: { version: ref('Version'), blocks: { type: 'array', items: ref('ChangeBlock') } } }), ...problems(400, 401, 403, 404) },
      },
    },
    '/api/documents/{name}/versions/{id}/restore': {
      parameters: [nameParam, versionParam],
      post: {
        tags: ['history'],
        operationId: 'restoreVersion',
        summary: 'Make the body equal the version again, as a new change; the replaced state is saved as a version first',
        responses: {
          ...ok('Restored', {
            type: 'object',
            properties: {
              restored: ref('Version'),
              previous: ref('Version'),
              restoreId: { type: ['integer', 'null'], description: 'Id for undoing; null when the body already equalled the version.' },
              undo: { type: ['string', 'null'], description: 'Path to POST to undo this restore.' },
              content: ref('ProseMirrorDocument'),
            },
          }),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    '/api/documents/{name}/restores/{id}/undo': {
      parameters: [nameParam, { name: 'id', in: 'path', required: true, description: 'Restore id.', schema: { type: 'integer', minimum: 1 } }],
      post: {
        tags: ['history'],
        operationId: 'undoRestore',
        summary: 'Undo a restore: reverts exactly what it changed, keeping every edit made since',
        responses: {
          ...ok('Undone', { type: 'object', properties: { undone: { type: 'integer' }, content: ref('ProseMirrorDocument') } }),
          '409': { description: 'Already undone (conflict)', content: { 'application/json': { schema: ref('Problem') } } },
          ...problems(400, 401, 403, 404),
        },
      },
    },
    '/api/documents/{name}/changes': {
      parameters: [nameParam],
      get: {
        tags: ['history'],
        operationId: 'listDocumentChanges',
        summary: 'Change log of one document: who, when, how big',
        parameters: changeFilters,
        responses: { ...ok('Changes', { type: 'object', properties: { changes: { type: 'array', items: ref('Change') } } }), ...problems(400, 401, 403) },
      },
    },
    '/api/documents/{name}/changes/summary': {
      parameters: [nameParam],
      get: {
        tags: ['history'],
        operationId: 'summarizeDocumentChanges',
        summary: 'Who changed the document in a time range: per user, number of updates, bytes, first and last change',
        parameters: changeFilters.slice(0, 2),
        responses: {
          ...ok('Per-user summary, most recent first', {
            type: 'object',
            properties: {
              authors: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    user: { oneOf: [ref('User'), { type: 'null' }] },
                    changes: { type: 'integer' },
                    bytes: { type: 'integer' },
                    firstAt: { type: 'string', format: 'date-time' },
                    lastAt: { type: 'string', format: 'date-time' },
                  },
                },
              },
            },
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    '/api/changes': {
      get: {
        tags: ['history'],
        operationId: 'listChanges',
        summary: 'Change log across the documents the caller can open',
        parameters: changeFilters,
        responses: { ...ok('Changes', { type: 'object', properties: { changes: { type: 'array', items: ref('Change') } } }), ...problems(400, 401) },
      },
    },
    '/api/webhooks': {
      get: { tags: ['webhooks'], operationId: 'listWebhooks', summary: 'Webhooks the caller may manage', responses: { ...ok('Webhooks', { type: 'object', properties: { webhooks: { type: 'array', items: ref('Webhook') } } }), ...problems(401) } },
      post: {
        tags: ['webhooks'],
        operationId: 'createWebhook',
        summary: 'Register a webhook: per document (editor role) or global (access to every document)',
        requestBody: { required: true, content: json(ref('CreateWebhook')) },
        responses: { ...ok('Created; the secret is only shown here', { allOf: [ref('Webhook'), { type: 'object', properties: { secret: { type: 'string' } } }] }, '201'), ...problems(400, 401, 403) },
      },
    },
    '/api/webhooks/{id}': {
      parameters: [hookParam],
      get: { tags: ['webhooks'], operationId: 'getWebhook', summary: 'A webhook', responses: { ...ok('The webhook', ref('Webhook')), ...problems(401, 404) } },
      delete: { tags: ['webhooks'], operationId: 'deleteWebhook', summary: 'Remove a webhook and its delivery log', responses: { '204': { description: 'Removed' }, ...problems(401, 404) } },
    },
    '/api/webhooks/{id}/deliveries': {
      parameters: [hookParam],
      get: {
        tags: ['webhooks'],
        operationId: 'listDeliveries',
        summary: 'Delivery log, newest first',
        responses: { ...ok('Deliveries', { type: 'object', properties: { deliveries: { type: 'array', items: ref('Delivery') } } }), ...problems(401, 404) },
      },
    },
    ...accountPaths,
    '/api/openapi.json': {
      get: { tags: ['documents'], operationId: 'getOpenApi', summary: 'This document', security: [], responses: { '200': { description: 'OpenAPI 3.1 document', content: json({ type: 'object' }) } } },
    },
  },
  webhooks: {
    event: {
      post: {
        summary: 'An event sent to a registered webhook URL',
        description:
          'Signed: header `X-Collab-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook secret>`. Also `X-Collab-Event` and `X-Collab-Delivery`. Any 2xx answer acknowledges; otherwise the delivery is retried with backoff.',
        requestBody: { content: json(ref('WebhookEvent')) },
        responses: { '204': { description: 'Received' } },
      },
    },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      sessionCookie: { type: 'apiKey', in: 'cookie', name: 'collab_session' },
    },
    responses: Object.fromEntries(
      Object.entries(PROBLEM_TITLES).map(([status, description]) => [`Problem${status}`, { description, content: { 'application/problem+json': { schema: ref('Problem') }, 'application/json': { schema: ref('Problem') } } }]),
    ),
    schemas: openApiSchemas,
  },
} as const
