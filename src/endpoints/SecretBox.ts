/**
 * AES-256-GCM encryption of endpoint secrets at rest. The key comes from PROXBOX_ENCRYPTION_KEY (any string,
 * stretched with SHA-256) or from a key file generated on first start and reused afterwards.
 */
import { Context, Effect, Layer, Option, Redacted } from "effect"
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto"
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises"
import { dirname } from "node:path"
import { AppConfig } from "../config.ts"

const PREFIX = "enc:v1:"

export class SecretBox extends Context.Tag("proxbox/SecretBox")<SecretBox, {
  readonly seal: (plain: Redacted.Redacted<string>) => string
  /** Fails (dies) only on tampered data or a wrong key: those are operator errors, not request errors. */
  readonly open: (sealed: string) => Redacted.Redacted<string>
}>() {
  static fromKey = (material: Redacted.Redacted<string>): Context.Tag.Service<SecretBox> => {
    const key = createHash("sha256").update(Redacted.value(material)).digest()
    return {
      seal: (plain) => {
        const iv = randomBytes(12)
        const cipher = createCipheriv("aes-256-gcm", key, iv)
        const body = Buffer.concat([cipher.update(Redacted.value(plain), "utf8"), cipher.final()])
        return PREFIX + [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url")).join(".")
      },
      open: (sealed) => {
        if (!sealed.startsWith(PREFIX)) throw new Error("secret is not sealed with enc:v1")
        const [iv, tag, body] = sealed.slice(PREFIX.length).split(".").map((p) => Buffer.from(p, "base64url"))
        const decipher = createDecipheriv("aes-256-gcm", key, iv!)
        decipher.setAuthTag(tag!)
        return Redacted.make(Buffer.concat([decipher.update(body!), decipher.final()]).toString("utf8"))
      }
    }
  }

  static layerTest = (material = "test-key") => Layer.succeed(SecretBox, SecretBox.fromKey(Redacted.make(material)))

  /** Key from config, else the key file (created with mode 0600 when missing). */
  static layer = Layer.effect(
    SecretBox,
    Effect.gen(function*() {
      const config = yield* AppConfig
      if (Option.isSome(config.encryptionKey)) return SecretBox.fromKey(config.encryptionKey.value)
      const material = yield* Effect.tryPromise({
        try: () => loadOrCreateKeyFile(config.keyFile),
        catch: (cause) => new Error(`PROXBOX_ENCRYPTION_KEY: cannot read or create key file ${config.keyFile}: ${cause}`)
      }).pipe(Effect.orDie)
      return SecretBox.fromKey(material)
    })
  )
}

const loadOrCreateKeyFile = async (file: string): Promise<Redacted.Redacted<string>> => {
  try {
    return Redacted.make((await readFile(file, "utf8")).trim())
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e
    await mkdir(dirname(file), { recursive: true })
    const key = randomBytes(32).toString("base64url")
    await writeFile(file, key + "\n", { mode: 0o600, flag: "wx" })
    await chmod(file, 0o600)
    return Redacted.make(key)
  }
}
