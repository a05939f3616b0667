/**
 * A pool of client worker processes (`bench/clients/worker.ts`), so that the clients of a
 * benchmark run on other processes than the harness and each other, and their CPU use can be
 * checked against saturation.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { RAISE_FD_LIMIT, ROOT } from './servers.ts'
import type { WorkerCommand, WorkerReply } from './worker-protocol.ts'

/** One worker process. */
export class ClientWorker {
  readonly index: number
  private readonly child: ChildProcess
  private nextId = 1
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>()
  private readonly ready: Promise<void>

  constructor(index: number) {
    this.index = index
    // Spawned through sh to raise the open-file limit (thousands of sockets per worker); the IPC
    // channel survives the exec.
    this.child = spawn('sh', ['-c', RAISE_FD_LIMIT, process.execPath, path.join(ROOT, 'bench/clients/worker.ts')], {
      cwd: ROOT,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(0, { resolve: () => resolve(), reject })
    })
    this.child.on('message', (reply: WorkerReply) => {
      const waiter = this.pending.get(reply.id)
      if (!waiter) return
      this.pending.delete(reply.id)
      if (reply.ok) waiter.resolve(reply.result)
      else waiter.reject(new Error(`client worker ${index}: ${reply.error}`))
    })
    this.child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`client worker ${index} exited with ${code}`))
      this.pending.clear()
    })
  }

  /** Sends `command` and resolves with the worker's result. */
  async call<T = unknown>(command: WorkerCommand): Promise<T> {
    await this.ready
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      this.child.send({ ...command, id })
    })
  }

  get pid(): number {
    return this.child.pid!
  }

  /** Disconnects its clients and ends the process. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()))
    try {
      await Promise.race([this.call({ cmd: 'close' }), new Promise((resolve) => setTimeout(resolve, 5_000))])
    } catch {
      // Exiting anyway.
    }
    this.child.disconnect()
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(timer)
  }
}

/** CPU use of the client workers over a window: per worker in milliseconds, and as a percentage of one core. */
export interface ClientCpu {
  workers: number
  /** CPU milliseconds each worker used, in the pool's order. */
  cpuMs: number[]
  maxCpuPercent: number
  meanCpuPercent: number
}

/** Several workers started together. */
export class WorkerPool {
  readonly workers: ClientWorker[]

  constructor(count: number) {
    this.workers = Array.from({ length: count }, (_, index) => new ClientWorker(index))
  }

  /** Resets every worker's CPU window. */
  async resetCpu(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.call({ cmd: 'cpu', reset: true })))
  }

  /** CPU use since the last reset. */
  async cpu(): Promise<ClientCpu> {
    const usages = await Promise.all(this.workers.map((worker) => worker.call<{ cpuMs: number; wallMs: number }>({ cmd: 'cpu', reset: false })))
    const percents = usages.map((usage) => (usage.cpuMs / usage.wallMs) * 100)
    return {
      workers: this.workers.length,
      cpuMs: usages.map((usage) => usage.cpuMs),
      maxCpuPercent: Math.round(Math.max(...percents) * 10) / 10,
      meanCpuPercent: Math.round((percents.reduce((a, b) => a + b, 0) / percents.length) * 10) / 10,
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()))
  }
}
