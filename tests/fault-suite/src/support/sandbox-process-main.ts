import { type SandboxOptions, startSandbox } from '@orderbridge/sandbox';

// Entry point of a sandbox in its own process, for the CLI scenarios (run directly by Node, which
// strips the types). The options come as JSON in FAULT_SUITE_SANDBOX_OPTIONS (they hold the
// canary credentials, which the bin cannot take); the first stdout line is the connection settings.
const options = JSON.parse(process.env.FAULT_SUITE_SANDBOX_OPTIONS ?? '{}') as SandboxOptions;
const sandbox = await startSandbox(options);
process.stdout.write(`${JSON.stringify(sandbox.settings())}\n`);
const stop = () => {
  void sandbox.close().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
