#!/usr/bin/env bash
# Scaffolds a workspace package: scripts/new-package.sh <dir> <name> "<description>"
set -euo pipefail
dir=$1 name=$2 description=$3
mkdir -p "$dir/src"
cat >"$dir/package.json" <<JSON
{
  "name": "$name",
  "version": "0.0.0",
  "description": "$description",
  "license": "MIT",
  "type": "module",
  "sideEffects": false,
  "engines": { "node": ">=22.12" },
  "exports": {
    ".": { "types": "./dist/index.d.ts", "default": "./dist/index.js" },
    "./package.json": "./package.json"
  },
  "types": "./dist/index.d.ts",
  "files": ["dist", "!dist/**/*.test.*", "!dist/**/__fixtures__"],
  "publishConfig": { "access": "public" },
  "scripts": {
    "build": "tsc --build",
    "typecheck": "tsc -p tsconfig.test.json",
    "test": "vitest run",
    "lint:package": "publint --strict && attw --pack . --profile esm-only"
  }
}
JSON
cat >"$dir/tsconfig.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist", "tsBuildInfoFile": "dist/tsconfig.tsbuildinfo" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts", "src/**/__fixtures__", "src/**/test-support"]
}
JSON
cat >"$dir/tsconfig.test.json" <<JSON
{
  "extends": "../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "composite": false, "declaration": false, "declarationMap": false },
  "include": ["src", "test"]
}
JSON
[ -f "$dir/src/index.ts" ] || echo "export {};" >"$dir/src/index.ts"
