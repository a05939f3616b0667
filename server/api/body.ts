/**
 * Reading and validating request bodies and query parameters, with messages that name the field.
 */
import type { IncomingMessage } from 'node:http'
import type { z } from 'zod'
import { ApiError } from './api-error.ts'

/** Largest JSON body accepted, in bytes (imports carry whole documents). */
export const MAX_BODY_BYTES = 2 * 1024 * 1024

/** Reads the raw body as UTF-8, refusing bodies over `limit` bytes. */
export async function readText(request: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  const declared = Number(request.headers['content-length'])
  if (Number.isFinite(declared) && declared > limit) throw new ApiError('payload-too-large', `request body exceeds ${limit} bytes`)
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of request) {
      size += (chunk as Buffer).length
      if (size > limit) throw new ApiError('payload-too-large', `request body exceeds ${limit} bytes`)
      chunks.push(chunk as Buffer)
    }
  } catch (error) {
    if (error instanceof ApiError) throw error
    // The client closed the connection mid-body ("aborted"): its fault, not a server failure to log.
    throw new ApiError('bad-request', 'the request body was cut off')
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** The media type of the request body, lower-cased, without parameters (`''` when absent). */
export function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase()
}

/** Reads a JSON body and validates it with `schema`; an empty body counts as `{}`. */
export async function readJson<T>(request: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const type = mediaType(request)
  if (type !== '' && type !== 'application/json') throw new ApiError('unsupported-media-type', `send application/json, not ${type}`)
  const text = await readText(request)
  let value: unknown = {}
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text)
    } catch {
      throw new ApiError('invalid-body', 'request body is not valid JSON')
    }
  }
  return validate(schema, value, 'invalid-body', 'body')
}

/** Validates `value` with `schema`, throwing `code` with a message naming every bad field. */
export function validate<T>(schema: z.ZodType<T>, value: unknown, code: 'invalid-body' | 'invalid-query', what: string): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : what}: ${issue.message}`)
  throw new ApiError(code, problems.join('; '))
}
