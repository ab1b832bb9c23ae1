/**
 * An SSE reader that follows the NetBox plugin's rules (plugin contract §1.5, `_iter_sse_frames` and
 * `_consume_sse_until_complete`): `event:` starts a frame, `data:` lines join with "\n", a blank line
 * flushes, `:` lines are ignored, any other line is appended to the data (and then breaks the JSON);
 * the last `complete` wins and its `ok` defaults to true.
 */
export interface Frame {
  readonly event: string
  readonly data: Record<string, unknown>
}

export const parseSse = (text: string): ReadonlyArray<Frame> => {
  const frames: Array<Frame> = []
  let event: string | null = null
  let data: Array<string> = []
  const flush = () => {
    if (event === null && data.length === 0) return
    const raw = data.join("\n")
    let parsed: unknown
    try {
      parsed = JSON.parse(raw)
    } catch {
      parsed = { raw }
    }
    frames.push({ event: event ?? "message", data: typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : { raw: parsed } })
    event = null
    data = []
  }
  for (const line of text.split("\n")) {
    if (line.startsWith("event:")) {
      flush()
      event = line.slice("event:".length).trim()
    } else if (line.startsWith("data:")) data.push(line.slice("data:".length).trim())
    else if (line === "") flush()
    else if (line.startsWith(":")) continue
    else data.push(line)
  }
  flush()
  return frames
}

/** The plugin's verdict on a stage: ok, message, result of the last `complete` (502 when there is none). */
export const outcome = (frames: ReadonlyArray<Frame>) => {
  const complete = [...frames].reverse().find((f) => f.event === "complete")
  if (!complete) return { ok: false, status: 502, message: "ProxBox backend stream ended without a complete event", result: undefined }
  const ok = complete.data["ok"] !== false
  const errors = complete.data["errors"] as Array<{ detail?: string }> | undefined
  return {
    ok,
    status: ok ? 200 : 503,
    message: ok ? complete.data["message"] : errors?.[0]?.detail ?? complete.data["message"] ?? "Sync failed.",
    result: complete.data["result"]
  }
}
