// Prints the gzipped size of the release bundle (wasm + JS + CSS in dist/) and fails if it
// exceeds the budget in budget.json. Run after `trunk build --release`.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, extname } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = process.env.DYNAPLAY_DIST ?? join(root, 'dist');
const budget = JSON.parse(readFileSync(join(root, 'budget.json'), 'utf8'));

const counted = new Set(['.wasm', '.js', '.css']);
let totalRaw = 0;
let totalGzip = 0;
const rows = [];
for (const name of readdirSync(dist)) {
  const path = join(dist, name);
  if (!statSync(path).isFile() || !counted.has(extname(name))) continue;
  const bytes = readFileSync(path);
  const gz = gzipSync(bytes, { level: 9 }).length;
  totalRaw += bytes.length;
  totalGzip += gz;
  rows.push(`${name.padEnd(40)} ${(bytes.length / 1024).toFixed(1).padStart(9)} KB  ${(gz / 1024).toFixed(1).padStart(8)} KB gzipped`);
}
if (rows.length === 0) {
  console.error(`no .wasm/.js/.css files in ${dist}: run trunk build --release first`);
  process.exit(1);
}
console.log(rows.join('\n'));
const kb = totalGzip / 1024;
console.log(`bundle: ${(totalRaw / 1024).toFixed(1)} KB raw, ${kb.toFixed(1)} KB gzipped (budget ${budget.bundle_gzip_kb} KB)`);
if (kb > budget.bundle_gzip_kb) {
  console.error(`bundle is over budget by ${(kb - budget.bundle_gzip_kb).toFixed(1)} KB`);
  process.exit(1);
}
