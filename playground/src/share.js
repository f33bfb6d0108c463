// The share link: every file in the URL fragment, `#files=<data>`, where the
// data is the JSON object path → text, compressed with the browser's own
// CompressionStream (deflate-raw) and written in base64url. No server sees it.

async function pipe(bytes, transform) {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

/** The fragment (without `#`) that carries `files` (path → text). */
export async function encodeFiles(files) {
  const json = new TextEncoder().encode(JSON.stringify(files));
  return `files=${toBase64Url(await pipe(json, new CompressionStream("deflate-raw")))}`;
}

/** The files a fragment carries, or null when it carries none (or is damaged). */
export async function decodeFiles(fragment) {
  const match = /(?:^#?|&)files=([A-Za-z0-9_-]+)/.exec(fragment);
  if (!match) return null;
  try {
    const bytes = await pipe(fromBase64Url(match[1]), new DecompressionStream("deflate-raw"));
    const files = JSON.parse(new TextDecoder().decode(bytes));
    if (typeof files !== "object" || files === null || Array.isArray(files)) return null;
    const entries = Object.entries(files).filter(([, text]) => typeof text === "string");
    return Object.fromEntries(entries);
  } catch {
    return null;
  }
}
