import { describe, expect, it } from 'vitest'
import { authRoutes } from '../../server/accounts/auth-routes.ts'
import type { AuthRouteDeps } from '../../server/accounts/auth-routes.ts'
import type { ApiServices } from '../../server/api/api-services.ts'
import { sharingRoutes } from '../../server/api/sharing-routes.ts'
import { openApiDocument } from '../../server/http/openapi.ts'

describe('OpenAPI: accounts and sharing', () => {
  it('[API12][ACCT1] describes every account and sharing route', () => {
    const routes = [...authRoutes({} as AuthRouteDeps), ...sharingRoutes({} as ApiServices, {} as Parameters<typeof sharingRoutes>[1])]
    expect(routes.length).toBe(12)
    const paths = openApiDocument.paths as Record<string, Record<string, unknown>>
    for (const route of routes) {
      const path = route.pattern.replace(/:(\w+)/g, '{$1}')
      expect(paths[path]?.[route.method.toLowerCase()], `${route.method} ${path} is documented`).toBeDefined()
    }
  })
})
