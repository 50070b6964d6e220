/**
 * The browser dashboard: `GET /` (the page) and its bundle, `GET /dashboard/app.js` and
 * `GET /dashboard/app.css`, read from `dashboard/dist/` (prebuilt by
 * `scripts/build_dashboard.ts`, embedded in the compiled binary). The page names the assets by
 * content hash, so they are cached for good; a rebuilt bundle is picked up without a restart.
 * Gzip is served to browsers that accept it.
 *
 * @module
 */
import { Hono } from "hono";

/** Options of {@linkcode dashboardRoutes}. */
export interface DashboardOptions {
  /** Folder holding `app.js` and `app.css`. @default the project's `dashboard/dist/` */
  distDir?: URL;
}

/** The dashboard's files, as served. */
interface Asset {
  body: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer>;
  type: string;
  hash: string;
}

interface Bundle {
  js: Asset;
  css: Asset;
  modified: number;
}

const DEFAULT_DIST = new URL("../../dashboard/dist/", import.meta.url);
const IMMUTABLE = "public, max-age=31536000, immutable";
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; script-src 'self'; " +
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The dashboard routes. */
export function dashboardRoutes(options: DashboardOptions = {}): Hono {
  const dist = options.distDir ?? DEFAULT_DIST;
  const app = new Hono();
  let bundle: Promise<Bundle | undefined> | undefined;
  let checked = 0;

  /** The bundle, reloaded when `app.js` changed on disk (checked at most once a second). */
  const current = async (): Promise<Bundle | undefined> => {
    if (bundle && Date.now() - checked < 1000) return await bundle;
    checked = Date.now();
    const loaded = await bundle;
    const modified = await mtime(new URL("app.js", dist));
    if (!loaded || modified !== loaded.modified) bundle = loadBundle(dist, modified);
    return await bundle;
  };

  app.get("/", async (c) => {
    const loaded = await current();
    if (!loaded) {
      return c.html(missingPage(), 503, { ...SECURITY_HEADERS, "cache-control": "no-store" });
    }
    return c.html(page(loaded), 200, { ...SECURITY_HEADERS, "cache-control": "no-cache" });
  });
  app.get("/dashboard", (c) => c.redirect("/"));
  for (const name of ["app.js", "app.css"] as const) {
    app.get(`/dashboard/${name}`, async (c) => {
      const loaded = await current();
      if (!loaded) return c.json({ Error: "The dashboard is not built" }, 404);
      const asset = name === "app.js" ? loaded.js : loaded.css;
      const versioned = c.req.query("v") === asset.hash;
      const etag = `"${asset.hash}"`;
      const headers: Record<string, string> = {
        "content-type": asset.type,
        "cache-control": versioned ? IMMUTABLE : "no-cache",
        etag,
        vary: "accept-encoding",
        "x-content-type-options": "nosniff",
      };
      if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
      const gzip = /\bgzip\b/.test(c.req.header("accept-encoding") ?? "");
      if (gzip) headers["content-encoding"] = "gzip";
      return c.body(gzip ? asset.gzip : asset.body, 200, headers);
    });
  }
  return app;
}

/** When `url` last changed (ms), 0 when unknown (e.g. inside a compiled binary). */
async function mtime(url: URL): Promise<number> {
  try {
    return (await Deno.stat(url)).mtime?.getTime() ?? 0;
  } catch {
    return 0;
  }
}

async function loadBundle(dist: URL, modified: number): Promise<Bundle | undefined> {
  try {
    const [js, css] = await Promise.all([
      asset(new URL("app.js", dist), "text/javascript; charset=utf-8"),
      asset(new URL("app.css", dist), "text/css; charset=utf-8"),
    ]);
    return { js, css, modified };
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

async function asset(url: URL, type: string): Promise<Asset> {
  const body = await Deno.readFile(url);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
  const hash = [...digest.slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
  const gzip = new Uint8Array(
    await new Response(
      new Blob([body]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  return { body, gzip, type, hash };
}

const SHELL_STYLE = "html{color-scheme:light dark}body{margin:0;background:#f8fafc;color:#0f172a;" +
  "font-family:system-ui,sans-serif}@media (prefers-color-scheme:dark){body{background:#0f172a;" +
  "color:#f1f5f9}}";

const ICON = "data:image/svg+xml," +
  encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#0284c7" ' +
      'd="M13 2 4 14h6l-1 8 9-12h-6l1-8z"/></svg>',
  );

function page(bundle: Bundle): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>Serverledge dashboard</title>
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="/dashboard/app.css?v=${bundle.css.hash}">
<style>${SHELL_STYLE}</style>
<script type="module" src="/dashboard/app.js?v=${bundle.js.hash}"></script>
</head>
<body class="bg-slate-50 text-slate-900 antialiased dark:bg-slate-900 dark:text-slate-100">
<div id="app"><noscript><p style="padding:1rem">The dashboard needs JavaScript. The node's API
answers at <a href="/status">/status</a>.</p></noscript></div>
</body>
</html>
`;
}

function missingPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Serverledge dashboard</title>
<style>${SHELL_STYLE}body{padding:2rem;line-height:1.5}</style></head>
<body><h1>The dashboard is not built</h1>
<p>This node has no <code>dashboard/dist/app.js</code>. Build it with
<code>deno run -A scripts/build_dashboard.ts</code>, then reload. The API works meanwhile:
<a href="/status">/status</a>.</p></body></html>
`;
}
