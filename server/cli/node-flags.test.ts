import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { SERVER_NODE_FLAGS } from './node-flags.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

// Allocates like a busy server (most objects die young, some survive a while) and prints the
// young generation's size in MB.
const ALLOCATE = `
  const v8 = require('node:v8')
  let keep = []
  for (let round = 0; round < 20; round++) {
    for (let i = 0; i < 500000; i++) keep.push({ a: i, b: [i] })
    keep = keep.slice(-100000)
  }
  const young = v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
  console.log(Math.round(young.space_size / 1e6))
`

function youngGenerationMB(flags: readonly string[]): number {
  return Number(execFileSync(process.execPath, [...flags, '-e', ALLOCATE], { encoding: 'utf8' }).trim())
}

describe('server node flags', () => {
  it('[OPS3] npm start passes every server node flag', () => {
    const start = (JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
    for (const flag of SERVER_NODE_FLAGS) expect(start.split(/\s+/)).toContain(flag)
    expect(start.trim().endsWith('server/cli/start.ts')).toBe(true)
  })

  it('[OPS3] the flags keep the young generation at 16 MB semi-spaces where V8 would grow it', () => {
    // Three semi-spaces' worth at most (V8 reports from-, to- and new large pages together).
    expect(youngGenerationMB(SERVER_NODE_FLAGS)).toBeLessThanOrEqual(3 * 16 + 2)
  })
})
