// The static search fallback's index (archive/static_search.py): Pagefind's Node API over custom records.
// Usage: node archive/static_index.mjs ENTRIES.json OUTPUT_DIR
// ENTRIES.json is a list of {url, content, language, meta: {title, info}}; no page of the site is read.
import { readFile } from "node:fs/promises";
import * as pagefind from "pagefind";

const [entriesPath, outputPath] = process.argv.slice(2);
const entries = JSON.parse(await readFile(entriesPath, "utf8"));
const { index, errors } = await pagefind.createIndex({ forceLanguage: "vi" });
if (!index) throw new Error(`Pagefind: ${errors.join("; ")}`);
const BATCH = 500; // records in flight at once: the service is one process, a batch keeps its pipe busy
for (let start = 0; start < entries.length; start += BATCH) {
  const added = await Promise.all(entries.slice(start, start + BATCH).map((e) => index.addCustomRecord(e)));
  const failed = added.find((a) => a.errors && a.errors.length);
  if (failed) throw new Error(`Pagefind: ${failed.errors.join("; ")}`);
}
const written = await index.writeFiles({ outputPath });
if (written.errors.length) throw new Error(`Pagefind: ${written.errors.join("; ")}`);
await pagefind.close();
console.log(`${entries.length} records → ${outputPath}`);
