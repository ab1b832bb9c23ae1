/** Runs `src/main.ts` as a real process: waits for its "listening" line (no sleeps), stops it with SIGTERM. */
import { Deferred, Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"

export interface Running {
  readonly url: string
  readonly output: () => string
  readonly stop: Effect.Effect<number | null>
}

const exitOf = (child: ChildProcess) =>
  Effect.async<number | null>((resume) => {
    if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.succeed(child.exitCode))
    child.once("exit", (code) => resume(Effect.succeed(code)))
  })

/** Starts the service on an ephemeral port; fails with the output if it exits before listening. */
export const startService = (env: Record<string, string>) =>
  Effect.acquireRelease(
    Effect.gen(function*() {
      const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
        env: { ...process.env, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "Info", ...env },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let output = ""
      const listening = yield* Deferred.make<string, string>()
      const onData = (chunk: Buffer) => {
        output += chunk.toString()
        const m = /listening on [\d.]+:(\d+)/.exec(output)
        if (m) Deferred.unsafeDone(listening, Effect.succeed(`http://127.0.0.1:${m[1]}`))
      }
      child.stdout!.on("data", onData)
      child.stderr!.on("data", onData)
      child.once("exit", (code) => Deferred.unsafeDone(listening, Effect.fail(`exited with ${code}: ${output}`)))
      const url = yield* Deferred.await(listening).pipe(Effect.timeoutFail({ duration: "60 seconds", onTimeout: () => output }))
      const stop = Effect.suspend(() => {
        child.kill("SIGTERM")
        return exitOf(child)
      })
      return { url, output: () => output, stop, child }
    }),
    ({ child }) => Effect.suspend(() => (child.exitCode === null ? (child.kill("SIGKILL"), exitOf(child)) : Effect.void))
  )

/** Runs the service expecting it to refuse to start; yields exit code and output. */
export const failedStart = (env: Record<string, string>) =>
  Effect.async<{ code: number | null; output: string }>((resume) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
      env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()))
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()))
    child.once("exit", (code) => resume(Effect.succeed({ code, output })))
  })
