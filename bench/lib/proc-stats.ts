/**
 * CPU time and resident memory of any process, read from Linux's /proc (no native addon), so
 * server processes can be measured from outside without instrumenting them.
 */
import fs from 'node:fs'

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100

/** CPU time (user + system) the process has used so far, in milliseconds. */
export function processCpuMs(pid: number): number {
  return cpuMsOfStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'))
}

/** User + system milliseconds of a `/proc/…/stat` line. */
function cpuMsOfStat(stat: string): number {
  // The command name (field 2) may contain spaces; fields after its closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // fields[0] is field 3 (state), so utime (14) and stime (15) are at 11 and 12.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
}

/**
 * CPU time (user + system) each of the process's threads has used so far, in milliseconds, summed
 * by thread name (`comm`: "MainThread", a worker thread's `name`, "V8Worker" for V8's helpers).
 * Threads that exited meanwhile are not counted.
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const byName = new Map<string, number>()
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    let name: string
    let stat: string
    try {
      name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim()
      stat = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
    } catch {
      continue // The thread ended while being read.
    }
    byName.set(name, (byName.get(name) ?? 0) + cpuMsOfStat(stat))
  }
  return byName
}

/** Resident set size of the process in bytes (`VmRSS`). */
export function processRssBytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status)
  return match ? Number(match[1]) * 1024 : 0
}

/** Measures a process's CPU use over a window: call `stop()` for the percentage of one core. */
export function cpuWindow(pid: number): { stop(): { cpuPercent: number; cpuMs: number; wallMs: number } } {
  const cpu0 = processCpuMs(pid)
  const t0 = performance.now()
  return {
    stop() {
      const cpuMs = processCpuMs(pid) - cpu0
      const wallMs = performance.now() - t0
      return { cpuPercent: round((cpuMs / wallMs) * 100, 1), cpuMs: round(cpuMs, 0), wallMs: round(wallMs, 0) }
    },
  }
}

function round(value: number, digits: number): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}
