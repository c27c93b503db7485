#!/usr/bin/env node
// The `plato` command: runs the built CLI (build it with `npx nx run @plato/cli:build`).
import '../dist/main.js';
