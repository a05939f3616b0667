/**
 * `GET /api/openapi.json`: the API's OpenAPI 3.1 description, served without authentication.
 */
import { openApiDocument } from '../http/openapi.ts'
import { sendJson } from '../http/respond.ts'
import type { Route } from './router.ts'

/** Path of the OpenAPI document. */
export const OPENAPI_PATH = '/api/openapi.json'

/** The public route serving the OpenAPI document. */
export function openApiRoutes(): Route[] {
  return [
    {
      method: 'GET',
      pattern: OPENAPI_PATH,
      async handler({ response }) {
        sendJson(response, 200, openApiDocument)
      },
    },
  ]
}
