/**
 * `npm test`: runs every test (unit, integration, browser) with Vitest and ends with the plain
 * line `N passed, N failed` (and skipped, if any), which CI reads. Extra arguments go to Vitest.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const report = path.join(root, 'test-results', 'vitest.json')
fs.mkdirSync(path.dirname(report), { recursive: true })
fs.rmSync(report, { force: true })

const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs')
const result = spawnSync(
  process.execPath,
  [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
)

let passed = 0
let failed = 0
let skipped = 0
if (fs.existsSync(report)) {
  const summary = JSON.parse(fs.readFileSync(report, 'utf8')) as {
    numPassedTests: number
    numFailedTests: number
    numPendingTests: number
    numTodoTests: number
    testResults: { status: string; assertionResults: unknown[] }[]
  }
  passed = summary.numPassedTests
  // A file that fails to load (syntax error, failing hook) counts as a failure though no test in it ran.
  const brokenFiles = summary.testResults.filter((file) => file.status === 'failed' && file.assertionResults.length === 0).length
  failed = summary.numFailedTests + brokenFiles
  skipped = summary.numPendingTests + summary.numTodoTests
} else {
  failed = 1
  console.error('test run produced no report')
}
const exitCode = result.status === 0 && failed === 0 && passed > 0 ? 0 : 1
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(exitCode)
