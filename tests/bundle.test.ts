/**
 * The client bundle holds exactly one copy of yjs: two copies break CRDT identity checks
 * (`instanceof Y.Doc` fails across copies and Yjs warns "Yjs was already imported").
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

describe('client bundle', () => {
  it('[BUILD1] contains one copy of yjs', () => {
    // Built by the Vitest global setup (tests/helpers/global-setup.ts).
    const assets = path.resolve('dist/client/assets')
    const code = fs.readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(assets, f), 'utf8')).join('\n')
    // This message is a string literal in yjs's entry module, present once per bundled copy.
    const copies = code.split('Yjs was already imported').length - 1
    expect(copies).toBe(1)
  })
})
