// The citizen shell's JavaScript budget: what dist/index.html loads before any lazy chunk (its
// module scripts and modulepreloads), gzip level 9 as bench/shell_size.py measures it.
// Fails when the total is over 80 KB. Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 80 * 1024;
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const html = readFileSync(`${dist}index.html`, 'utf8');
const shellScript =
  /<(?:script[^>]+type="module"[^>]+src|link[^>]+rel="modulepreload"[^>]+href)="\/?([^"]+)"/g;
const files = [...new Set([...html.matchAll(shellScript)].map((match) => match[1]))].sort();

let total = 0;
for (const name of files) {
  const size = gzipSync(readFileSync(`${dist}${name}`), { level: 9 }).length;
  total += size;
  console.log(`${name.padEnd(40)} ${(size / 1024).toFixed(1).padStart(6)} KB gzip`);
}
const verdict = total <= BUDGET_BYTES ? 'within' : 'OVER';
console.log(
  `shell JS: ${(total / 1024).toFixed(1)} KB gzip (${total} bytes), ${verdict} the 80 KB budget`,
);
if (total > BUDGET_BYTES) process.exitCode = 1;
