/**
 * `npm run -s token -- --user NAME [--id ID] [--doc NAME] [--role viewer|editor|owner] [--expires 30d]`
 *
 * Prints only a token, valid for a server started with the same DATA_DIR / AUTH_SECRET.
 * Without --doc the token is an operator token: it opens every document as editor, and acts as
 * owner of documents nobody owns; with --doc it opens that one document with --role (default
 * editor). --doc may be repeated.
 */
import { parseArgs } from 'node:util'
import { resolveAuthSecret } from '../auth/secret.ts'
import { mintToken } from '../auth/tokens.ts'
import { ConfigError, loadConfig } from '../config.ts'
import { documentNameProblem } from '../../shared/document-name.ts'
import { isRole, type Role } from '../../shared/roles.ts'

function fail(message: string): never {
  console.error(`token: ${message}`)
  process.exit(2)
}

let values
try {
  ;({ values } = parseArgs({
    options: {
      user: { type: 'string' },
      id: { type: 'string' },
      doc: { type: 'string', multiple: true },
      role: { type: 'string', default: 'editor' },
      expires: { type: 'string', default: '30d' },
    },
  }))
} catch (error) {
  fail((error as Error).message)
}
if (!values.user) fail('--user NAME is required')
if (!isRole(values.role)) fail(`--role must be viewer, editor or owner, got "${values.role}"`)
const role: Role = values.role

let grants: Record<string, Role> | null = null
for (const doc of values.doc ?? []) {
  const problem = documentNameProblem(doc)
  if (problem) fail(`--doc "${doc}": ${problem}`)
  grants ??= {}
  grants[doc] = role
}
if (grants === null && role !== 'editor') fail(`--role ${role} needs --doc: a token without --doc opens every document as editor`)

let config
try {
  config = loadConfig()
} catch (error) {
  if (error instanceof ConfigError) fail(error.message)
  throw error
}
const secret = resolveAuthSecret(config.dataDir, config.authSecret)
const id = values.id ?? values.user.toLowerCase().replace(/[^a-z0-9]+/g, '-')
process.stdout.write(`${await mintToken(secret, { user: { id, name: values.user }, grants, expiresIn: values.expires })}\n`)
