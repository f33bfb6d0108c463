// Writes dist/examples.json from files in the repository, so the page's
// examples are the files the README and the tests use: the broken Redis
// example (examples/redis-broken) and the folders of playground/examples/.
// Usage: node examples.mjs OUT_FILE
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);

/** name → [folder, title], in the order the page lists them (the first is its default). */
const sources = [
  ["redis-broken", path.join(repo, "examples/redis-broken"), "Redis master/replica (broken)"],
  ["overlay", path.join(here, "examples/overlay"), "Kustomize overlay"],
  ["peer-addresses", path.join(here, "examples/peer-addresses"), "Peer addresses (etcd)"],
];

function yamlFiles(folder, prefix = "") {
  const files = {};
  for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(files, yamlFiles(path.join(folder, entry.name), relative));
    else if (/\.ya?ml$/.test(entry.name)) files[relative] = fs.readFileSync(path.join(folder, entry.name), "utf8");
  }
  return files;
}

/** The examples, name → {title, files: {path: text}}. */
export function examples() {
  return Object.fromEntries(sources.map(([name, folder, title]) => [name, { title, files: yamlFiles(folder) }]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2];
  if (!out) throw new Error("usage: node examples.mjs OUT_FILE");
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(examples()));
}
