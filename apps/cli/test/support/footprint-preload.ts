// Loaded with `node --import` into a CLI process under test: records every module the process
// loads, its pid, its node flags, the allocator setting it started with (MALLOC_ARENA_MAX) and the largest size V8's young generation (new space) reaches,
// and writes them as JSON to the file named by FOOTPRINT_REPORT when the process exits. A
// streaming command replaces the launcher's process (execve), which keeps the preload; where it
// starts a child instead, the child inherits the preload, exits first, and its report is the one
// kept (the launcher's would only describe the launcher).
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { getHeapSpaceStatistics } from 'node:v8';

const modules: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    modules.push(url);
    return nextLoad(url, context);
  },
});

let maxNewSpaceBytes = 0;
const sample = () => {
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
  maxNewSpaceBytes = Math.max(maxNewSpaceBytes, newSpace?.space_size ?? 0);
};
setInterval(sample, 10).unref();

process.on('exit', () => {
  sample();
  const report = {
    modules,
    maxNewSpaceBytes,
    pid: process.pid,
    execArgv: process.execArgv,
    mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
  };
  try {
    writeFileSync(process.env.FOOTPRINT_REPORT!, JSON.stringify(report), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
});
