import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiServices } from '../../server/api/api-services.ts'
import { contentRoutes } from '../../server/api/content-routes.ts'
import { documentsRoutes } from '../../server/api/documents-routes.ts'
import { historyRoutes } from '../../server/api/history-routes.ts'
import { openApiRoutes } from '../../server/api/openapi-routes.ts'
import { webhookRoutes } from '../../server/api/webhook-routes.ts'
import { startTestServer } from '../helpers/server.ts'

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']

describe('OpenAPI document', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let spec: any
  beforeAll(async () => {
    server = await startTestServer()
    const response = await fetch(`${server.url}/api/openapi.json`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('application/json')
    spec = await response.json()
  })
  afterAll(async () => {
    await server.close()
  })

  it('[API12] is a well-formed OpenAPI 3.1 document served without authentication', () => {
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/)
    expect(typeof spec.info.title).toBe('string')
    expect(typeof spec.info.version).toBe('string')
    expect(spec.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' })
    const operationIds = new Set<string>()
    for (const [path, item] of Object.entries<any>(spec.paths)) {
      expect(path.startsWith('/')).toBe(true)
      const templateParams = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1])
      for (const method of Object.keys(item).filter((key) => METHODS.includes(key))) {
        const operation = item[method]
        expect(operation.operationId, `${method} ${path} operationId`).toBeTypeOf('string')
        expect(operationIds.has(operation.operationId), `duplicate ${operation.operationId}`).toBe(false)
        operationIds.add(operation.operationId)
        expect(Object.keys(operation.responses).length, `${method} ${path} responses`).toBeGreaterThan(0)
        for (const status of Object.keys(operation.responses)) expect(status).toMatch(/^[1-5]\d\d$/)
        const declared = [...(item.parameters ?? []), ...(operation.parameters ?? [])].filter((p: any) => p.in === 'path').map((p: any) => p.name)
        expect(declared.sort(), `${method} ${path} path parameters`).toEqual([...templateParams].sort())
      }
    }
    // Every $ref points at something that exists.
    const refs: string[] = []
    const collect = (value: unknown) => {
      if (Array.isArray(value)) value.forEach(collect)
      else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if (key === '$ref') refs.push(child as string)
          else collect(child)
        }
      }
    }
    collect(spec)
    expect(refs.length).toBeGreaterThan(10)
    for (const reference of refs) {
      expect(reference.startsWith('#/')).toBe(true)
      const target = reference
        .slice(2)
        .split('/')
        .reduce<any>((node, segment) => node?.[segment], spec)
      expect(target, `unresolved ${reference}`).toBeDefined()
    }
  })

  it('[API12] describes every route the server serves', () => {
    const services = {} as ApiServices
    const routes = [...documentsRoutes(services), ...contentRoutes(services), ...historyRoutes(services), ...webhookRoutes(services), ...openApiRoutes()]
    for (const route of routes) {
      const path = route.pattern.replace(/:(\w+)/g, '{$1}')
      expect(spec.paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} is documented`).toBeDefined()
    }
  })
})
