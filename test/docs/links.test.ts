// The documentation's links stay inside the repository and point at something: a file that exists
// (not one only on the author's machine) or a heading of the same page.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from '../helpers/cli.js';

const PAGES = ['README.md', 'CHANGELOG.md', 'examples/README.md', 'docs/model-format.md'];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

describe.each(PAGES)('%s', (page) => {
  const text = readFileSync(join(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
  const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((l) => !/^https?:/.test(l));
  const headings = new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1]!)));

  it('links only to files inside the repository that exist, and to headings of its own', () => {
    for (const link of links) {
      const [path, hash] = link.split('#') as [string, string | undefined];
      if (path === '') {
        expect(headings.has(hash!), `${page}: #${hash} is not a heading`).toBe(true);
        continue;
      }
      const target = resolve(dirname(join(root, page)), path);
      expect(relative(root, target).startsWith('..'), `${page}: ${link} leaves the repository`).toBe(false);
      expect(existsSync(target), `${page}: ${link} does not exist`).toBe(true);
    }
  });
});
