// Loaded with `node --import` into a CLI process under test: records every module the process
// loads and the largest size V8's young generation (new space) reaches, and writes both as JSON
// to the file named by FOOTPRINT_REPORT when the process exits.
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
  writeFileSync(process.env.FOOTPRINT_REPORT!, JSON.stringify({ modules, maxNewSpaceBytes }));
});
