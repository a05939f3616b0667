/**
 * `/api/webhooks`: register, list and remove webhooks, and read their delivery logs.
 *
 * A per-document webhook needs the editor role on its document; a global one (no `document`)
 * needs access to every document (a token without per-document grants).
 */
import { z } from 'zod'
import type { AccessClaims } from '../auth/tokens.ts'
import { sendJson } from '../http/respond.ts'
import { WEBHOOK_EVENTS, type Webhook } from '../webhooks/webhook-service.ts'
import { requireRole } from './access.ts'
import type { ApiServices } from './api-services.ts'
import { ApiError } from './api-error.ts'
import { readJson } from './body.ts'
import type { Route } from './router.ts'

const createBody = z
  .object({
    url: z.url({ protocol: /^https?$/, message: 'url must be an absolute http(s) URL' }).max(2048),
    document: z.string().min(1).optional(),
    events: z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'events must name at least one event').default([...WEBHOOK_EVENTS]),
    secret: z.string().min(16, 'secret must be at least 16 characters').max(256).optional(),
  })
  .strict()

/** The webhook routes. */
export function webhookRoutes(services: ApiServices): Route[] {
  const { policy, webhooks } = services

  const mayManage = async (claims: AccessClaims, hook: Pick<Webhook, 'document'>) => {
    if (hook.document === null) return (await policy.documentsFor(claims)) === null
    const role = await policy.roleFor(claims, hook.document)
    return role !== null && role !== 'viewer'
  }
  const manageable = async (claims: AccessClaims, id: string) => {
    const hook = await webhooks.get(id)
    if (!hook || !(await mayManage(claims, hook))) throw new ApiError('webhook-not-found', `no webhook "${id}"`)
    return hook
  }

  return [
    {
      method: 'POST',
      pattern: '/api/webhooks',
      async handler({ request, response, claims }) {
        const body = await readJson(request, createBody)
        if (body.document !== undefined) await requireRole(policy, claims, body.document, 'edit')
        else if ((await policy.documentsFor(claims)) !== null) throw new ApiError('forbidden', 'a global webhook needs access to every document; give "document"')
        const blocked = await webhooks.destinationProblem(body.url)
        if (blocked !== null) throw new ApiError('invalid-body', `url: ${blocked}; this server does not call internal addresses`)
        const hook = await webhooks.create({ document: body.document ?? null, url: body.url, events: body.events, secret: body.secret, createdBy: claims.user })
        sendJson(response, 201, { ...hookJson(hook), secret: hook.secret })
      },
    },
    {
      method: 'GET',
      pattern: '/api/webhooks',
      async handler({ response, claims }) {
        const visible = []
        for (const hook of await webhooks.list()) if (await mayManage(claims, hook)) visible.push(hookJson(hook))
        sendJson(response, 200, { webhooks: visible })
      },
    },
    {
      method: 'GET',
      pattern: '/api/webhooks/:id',
      async handler({ response, params, claims }) {
        sendJson(response, 200, hookJson(await manageable(claims, params.id!)))
      },
    },
    {
      method: 'DELETE',
      pattern: '/api/webhooks/:id',
      async handler({ response, params, claims }) {
        await manageable(claims, params.id!)
        await webhooks.delete(params.id!)
        response.writeHead(204).end()
      },
    },
    {
      method: 'GET',
      pattern: '/api/webhooks/:id/deliveries',
      async handler({ response, params, claims }) {
        await manageable(claims, params.id!)
        const deliveries = await webhooks.deliveries(params.id!)
        sendJson(response, 200, {
          deliveries: deliveries.map((delivery) => ({ ...delivery, createdAt: delivery.createdAt.toISOString(), updatedAt: delivery.updatedAt.toISOString() })),
        })
      },
    },
  ]
}

function hookJson(hook: Webhook) {
  return { id: hook.id, document: hook.document, url: hook.url, events: hook.events, createdAt: hook.createdAt.toISOString(), createdBy: hook.createdBy }
}
