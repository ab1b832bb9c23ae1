/** The /admin/ HTML page: endpoints at a glance (secrets shown only as set/unset) and a link to the logs. */
import type { NetBoxEndpoint, ProxmoxEndpoint } from "../../domain/endpoint.ts"
import { SERVICE_VERSION } from "../../version.ts"

const esc = (v: unknown) =>
  String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[c]!)

const table = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>) =>
  rows.length === 0
    ? "<p><em>None configured.</em></p>"
    : `<table><thead><tr>${headers.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${
      rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")
    }</tbody></table>`

export const renderAdminPage = (netbox: ReadonlyArray<NetBoxEndpoint>, proxmox: ReadonlyArray<ProxmoxEndpoint>) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>proxbox-api admin</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem}</style>
</head><body><h1>proxbox-api ${esc(SERVICE_VERSION)}</h1>
<h2>NetBox endpoint</h2>
${table(["id", "name", "url", "token", "verify TLS"], netbox.map((e) => [e.id, e.name, e.baseUrl, `${e.token_version} (set)`, e.verify_ssl]))}
<h2>Proxmox endpoints</h2>
${table(["id", "name", "host", "port", "user", "auth", "verify TLS"], proxmox.map((e) => [e.id, e.name, e.hosts.join(" / "), e.port, e.username, e.authMode, e.verify_ssl]))}
<p><a href="/admin/logs">Logs (JSON)</a> · <a href="/docs">API docs</a> · <a href="/openapi.json">OpenAPI</a></p>
</body></html>`
