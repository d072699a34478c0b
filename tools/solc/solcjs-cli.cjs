#!/usr/bin/env node
// A `solc` command line for forge, backed by the npm solcjs package (no native solc can be installed here).
// forge calls exactly two forms: `solc --version` and
// `solc [--allow-paths P] --base-path ROOT [--include-path P]... --standard-json` (input on stdin).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const args = process.argv.slice(2);

if (args.includes('--version')) {
  process.stdout.write('solc, the solidity compiler commandline interface\n');
  process.stdout.write(`Version: ${solc.version()}\n`);
  process.exit(0);
}

if (!args.includes('--standard-json')) {
  process.stderr.write(`solcjs-cli: only --version and --standard-json are supported, got: ${args.join(' ')}\n`);
  process.exit(2);
}

const roots = [];
for (let i = 0; i < args.length; i++) {
  if ((args[i] === '--base-path' || args[i] === '--include-path') && i + 1 < args.length) {
    roots.push(path.resolve(args[++i]));
  }
}
if (roots.length === 0) roots.push(process.cwd());

function findImports(importPath) {
  const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((root) => path.join(root, importPath));
  for (const candidate of candidates) {
    if (fs.existsSync(candidate)) {
      return { contents: fs.readFileSync(candidate, 'utf8') };
    }
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
}

const input = fs.readFileSync(0, 'utf8');
process.stdout.write(solc.compile(input, { import: findImports }));
