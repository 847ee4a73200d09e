#!/usr/bin/env node
// The CLI bundled by esbuild (scripts/bundle.mjs) into dist/bundle/, built by `npm run build`
// (which `npm ci` runs through `prepare`): a few files to load instead of hundreds.
import { main } from '../dist/bundle/main.js';

process.exitCode = await main(process.argv);
