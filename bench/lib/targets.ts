/**
 * The product's performance targets (issue 6), checked against a run's figures: each is reported
 * as measured / target / met, or "not measured" when its suite did not run.
 */
import { table } from './markdown.ts'
import { ratio } from './stats.ts'

type Suites = Record<string, { data?: unknown } | undefined>

interface Target {
  target: string
  measured: string
  met: boolean | null
}

/** Markdown lines with one row per target. */
export function targetsTable(suites: Suites): string[] {
  const targets: Target[] = []
  const fanout = suites.fanout?.data as
    | { rows: { series?: string; server: string; readers: number; mode: string; latency: { allReaders: { p99: number } } }[] }
    | undefined
  for (const n of [100, 500]) {
    const p99 = (series: string) => fanout?.rows.find((r) => (r.series ?? r.server) === series && r.readers === n && r.mode === 'human')?.latency.allReaders.p99
    const ours = p99('ours')
    const reference = ratio(ours, p99('y-websocket'))
    const bare = ratio(ours, p99('hocuspocus'))
    const oursSameClients = p99('ours-y-websocket')
    const sameClients = ratio(oursSameClients, p99('y-websocket'))
    // Thin readers apply nothing: the latency is the server's part (see bench/clients/thin-reader.ts).
    const oursThin = p99('ours-thin')
    const thin = (peer: string, label: string) => {
      const thinRatio = ratio(oursThin, p99(`${peer}-thin`))
      return thinRatio === null ? '' : `; with thin readers (the server's part) ${oursThin} ms, ${thinRatio}× ${label}`
    }
    targets.push({
      target: `fan-out p99 at N=${n} (human rate) ≤ y-websocket reference`,
      measured:
        reference === null
          ? 'not measured'
          : `${ours} ms, ${reference}× the reference${sameClients === null ? '' : `; with the reference's own (y-websocket) clients ${oursSameClients} ms, ${sameClients}×`}${thin('y-websocket', 'the reference')}`,
      met: reference === null ? null : reference <= 1,
    })
    // The relay floor does no server work (bench/peers/relay-floor.ts): at human rate a server that
    // writes to its readers as the others do gets no lower, so it shows how low the ratio can go here.
    const floor = p99('floor')
    const floorRatio = ratio(floor, p99('hocuspocus'))
    const floorNote = floorRatio === null ? '' : `; the relay floor, which only forwards frames, ${floor} ms, ${floorRatio}× bare Hocuspocus`
    targets.push({
      target: `fan-out p99 at N=${n} (human rate) ≤ 0.8× bare Hocuspocus`,
      measured: bare === null ? 'not measured' : `${ours} ms, ${bare}× bare Hocuspocus${thin('hocuspocus', 'bare Hocuspocus')}${floorNote}`,
      met: bare === null ? null : bare <= 0.8,
    })
  }
  const trace = suites.trace?.data as { edits: number; rows: { server: string; editsPerSecond: number; coldOpenMs: number | null }[] } | undefined
  const oursTrace = trace?.rows.find((r) => r.server === 'ours')
  targets.push({
    target: 'trace replay ≥ 50,000 edits/s end to end',
    measured: oursTrace ? `${oursTrace.editsPerSecond.toLocaleString('en-US')} edits/s (${trace!.edits.toLocaleString('en-US')} edits)` : 'not measured',
    met: oursTrace ? oursTrace.editsPerSecond >= 50_000 : null,
  })
  targets.push({
    target: 'trace document cold open < 100 ms (server side)',
    measured: oursTrace?.coldOpenMs != null ? `${oursTrace.coldOpenMs} ms${trace!.edits < 259_778 ? ' (trace prefix only)' : ''}` : 'not measured',
    met: oursTrace?.coldOpenMs != null ? oursTrace.coldOpenMs < 100 : null,
  })
  const memory = suites.memory?.data as { rows: { server: string; idle: { connections: number; rssMB: number }[] }[] } | undefined
  const tenK = memory?.rows.find((r) => r.server === 'ours')?.idle.find((i) => i.connections === 10_000)
  targets.push({ target: '10,000 idle connections < 500 MB RSS', measured: tenK ? `${tenK.rssMB} MB` : 'not measured', met: tenK ? tenK.rssMB < 500 : null })
  const browser = suites.browser?.data as { rows: { paragraphs: number; remoteTypist: boolean; latency: { p99: number } }[] } | undefined
  for (const remote of [false, true]) {
    const row = browser?.rows.find((r) => r.paragraphs === 5_000 && r.remoteTypist === remote)
    targets.push({
      target: `browser keystroke-to-paint p99 < 16 ms at 5,000 paragraphs${remote ? ', remote typist' : ''}`,
      measured: row ? `${row.latency.p99} ms` : 'not measured',
      met: row ? row.latency.p99 < 16 : null,
    })
  }
  return table(
    ['target', 'measured', 'met'],
    targets.map((t) => [t.target, t.measured, t.met === null ? '—' : t.met ? 'yes' : '**no**']),
  )
}
