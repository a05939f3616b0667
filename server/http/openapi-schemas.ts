/**
 * The schemas (`components.schemas`) of the OpenAPI document in `openapi.ts`.
 */
import { API_ERROR_STATUS } from '../api/api-error.ts'
import { WEBHOOK_EVENTS } from '../webhooks/webhook-service.ts'

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })

/** Request and response bodies of the API, as JSON Schema (OpenAPI 3.1 dialect). */
export const openApiSchemas = {
  Problem: {
    type: 'object',
    required: ['type', 'status', 'code', 'detail'],
    properties: {
      type: { type: 'string', examples: ['about:blank#invalid-body'] },
      status: { type: 'integer' },
      code: { type: 'string', enum: Object.keys(API_ERROR_STATUS) },
      detail: { type: 'string', description: 'What was wrong, naming the field.' },
    },
  },
  User: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
  Role: { type: 'string', description: 'The caller\'s role on the document.', examples: ['viewer', 'editor'] },
  DocumentSummary: {
    type: 'object',
    required: ['name', 'title', 'updatedAt', 'updatedBy', 'role'],
    properties: {
      name: { type: 'string' },
      title: { type: 'string' },
      updatedAt: { type: 'string', format: 'date-time' },
      updatedBy: { oneOf: [ref('User'), { type: 'null' }] },
      role: ref('Role'),
    },
  },
  Document: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      title: { type: 'string' },
      createdAt: { type: ['string', 'null'], format: 'date-time' },
      createdBy: { oneOf: [ref('User'), { type: 'null' }] },
      updatedAt: { type: ['string', 'null'], format: 'date-time' },
      updatedBy: { oneOf: [ref('User'), { type: 'null' }] },
      role: ref('Role'),
    },
  },
  CreateDocument: {
    type: 'object',
    additionalProperties: false,
    properties: { title: { type: 'string', maxLength: 200 }, markdown: { type: 'string' }, html: { type: 'string' } },
    description: 'At most one of `markdown` and `html`.',
  },
  ProseMirrorDocument: {
    type: 'object',
    required: ['type'],
    description: 'ProseMirror JSON of the editor schema (Tiptap node and mark names).',
    properties: { type: { const: 'doc' }, content: { type: 'array', items: { type: 'object' } } },
  },
  Version: {
    type: 'object',
    required: ['id', 'kind', 'label', 'createdAt', 'createdBy', 'authors', 'bytes'],
    properties: {
      id: { type: 'integer' },
      kind: { type: 'string', enum: ['auto', 'named'] },
      label: { type: 'string' },
      createdAt: { type: 'string', format: 'date-time' },
      createdBy: { oneOf: [ref('User'), { type: 'null' }] },
      authors: { type: 'array', items: ref('User'), description: 'Who changed the document since the previous version.' },
      bytes: { type: 'integer' },
    },
  },
  ChangeMark: {
    oneOf: [{ type: 'null' }, { type: 'object', properties: { kind: { type: 'string', enum: ['added', 'removed'] }, author: { oneOf: [ref('User'), { type: 'null' }] } } }],
  },
  ChangeBlock: {
    type: 'object',
    properties: {
      type: { type: 'string' },
      attrs: { type: 'object' },
      depth: { type: 'integer' },
      change: ref('ChangeMark'),
      runs: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, change: ref('ChangeMark') } } },
    },
  },
  Change: {
    type: 'object',
    required: ['id', 'document', 'at', 'user', 'bytes'],
    properties: { id: { type: 'integer' }, document: { type: 'string' }, at: { type: 'string', format: 'date-time' }, user: { oneOf: [ref('User'), { type: 'null' }] }, bytes: { type: 'integer' } },
  },
  CreateWebhook: {
    type: 'object',
    required: ['url'],
    additionalProperties: false,
    properties: {
      url: { type: 'string', format: 'uri', description: 'http(s) URL receiving POSTed events.' },
      document: { type: 'string', description: 'Only this document\'s events; omit for every document.' },
      events: { type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENTS] }, default: [...WEBHOOK_EVENTS] },
      secret: { type: 'string', minLength: 16, description: 'Signing secret; generated when omitted.' },
    },
  },
  Webhook: {
    type: 'object',
    properties: {
      id: { type: 'string', format: 'uuid' },
      document: { type: ['string', 'null'] },
      url: { type: 'string' },
      events: { type: 'array', items: { type: 'string', enum: [...WEBHOOK_EVENTS] } },
      createdAt: { type: 'string', format: 'date-time' },
      createdBy: ref('User'),
    },
  },
  Delivery: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      webhookId: { type: 'string' },
      eventId: { type: 'string' },
      type: { type: 'string', enum: [...WEBHOOK_EVENTS] },
      document: { type: 'string' },
      status: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
      attempts: { type: 'integer' },
      lastStatus: { type: ['integer', 'null'] },
      lastError: { type: ['string', 'null'] },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  WebhookEvent: {
    type: 'object',
    required: ['id', 'type', 'document', 'occurredAt', 'actor', 'data'],
    properties: {
      id: { type: 'string', format: 'uuid' },
      type: { type: 'string', enum: [...WEBHOOK_EVENTS] },
      document: { type: 'string' },
      occurredAt: { type: 'string', format: 'date-time' },
      actor: { oneOf: [ref('User'), { type: 'null' }] },
      data: { type: 'object', description: 'created: {title}; changed: {authors}; version.saved: {id, kind, label, authors}; deleted: {}.' },
    },
  },
}
