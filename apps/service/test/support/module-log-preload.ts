// Loaded with `node --import` (through NODE_OPTIONS) into a service process under test: appends
// one line per module the process loads to the file named by MODULE_LOG, as
// `<image>\t<url>`, where <image> is `relaunched` in the node the bin restarted itself into
// (ORDERBRIDGE_SERVICE_HEAP=1) and `first` before. Written synchronously, line by line: the first
// image ends in execve, which runs no exit handler.
import { appendFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const image = process.env.ORDERBRIDGE_SERVICE_HEAP === '1' ? 'relaunched' : 'first';
registerHooks({
  load(url, context, nextLoad) {
    appendFileSync(process.env.MODULE_LOG!, `${image}\t${url}\n`);
    return nextLoad(url, context);
  },
});
