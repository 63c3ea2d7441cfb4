// Copies vendor assets from node_modules into static/vendor (never committed).
import { cpSync, mkdirSync } from "node:fs";

const copies = [
  ["node_modules/hds-core/lib/base.min.css", "static/vendor/hds/base.min.css"],
  ["node_modules/hds-core/lib/components/all.min.css", "static/vendor/hds/components.min.css"],
  ["node_modules/hds-core/lib/utils/helpers.min.css", "static/vendor/hds/helpers.min.css"],
];
mkdirSync("static/vendor/hds", { recursive: true });
for (const [from, to] of copies) cpSync(from, to);
console.log(`static/vendor: ${copies.length} files`);
