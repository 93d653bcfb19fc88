/**
 * What installing evoprune costs: the packed tarball, and the installed node_modules of a
 * browser user (`npm install evoprune`: zod and the kernels) and of a Node user (the command line
 * and analysis too: the optional peers). Installs the tarball packed from this checkout into
 * temporary folders (the peers come from the npm registry).
 *
 *   npm run size:package
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { peerDependencies: Record<string, string> };
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const du = (dir: string) => Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);

const work = mkdtempSync(join(tmpdir(), 'evoprune-size-'));
try {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, encoding: 'utf8' })) as {
    filename: string;
    unpackedSize: number;
    entryCount: number;
  }[];
  const tarball = join(work, packed!.filename);
  console.log(`tarball ${packed!.filename}: ${mb(statSync(tarball).size)} packed, ${mb(packed!.unpackedSize)} unpacked, ${packed!.entryCount} files`);
  const install = (name: string, extra: string[]) => {
    const dir = join(work, name);
    execFileSync('mkdir', ['-p', dir]);
    writeFileSync(join(dir, 'package.json'), '{ "name": "user", "private": true }\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...extra], { cwd: dir, stdio: 'ignore' });
    return du(join(dir, 'node_modules'));
  };
  const peers = Object.entries(pkg.peerDependencies).map(([n, v]) => `${n}@${v}`);
  console.log(`browser user  npm install evoprune                      ${mb(install('browser', []))} installed`);
  console.log(
    `Node user     npm install evoprune + ${peers.length} optional peers   ${mb(install('node', peers))} installed (${Object.keys(pkg.peerDependencies).join(', ')})`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
