import { describe, expect, it } from 'vitest';
import { PRESETS, resolveTrainConfig } from '../../src/index.js';
import { cli } from '../helpers/cli.js';

describe('evoprune presets', () => {
  it('lists every preset with its description and what sets it apart', () => {
    const r = cli(['presets']);
    expect(r.code).toBe(0);
    for (const [name, preset] of Object.entries(PRESETS)) {
      expect(r.stdout).toContain(`${name}\n  ${preset.description}\n`);
    }
    expect(r.stdout).toContain('numerics 2, dynamic logistic, fitness gradient');
    expect(r.stdout).toContain('target sparsity 80 %');
  });

  it('--json gives each preset resolved exactly as --preset applies it', () => {
    const r = cli(['presets', '--json']);
    expect(r.code).toBe(0);
    const listed = JSON.parse(r.stdout) as Record<string, { description: string; config: unknown }>;
    expect(Object.keys(listed)).toEqual(Object.keys(PRESETS));
    expect(listed['target-80']!.config).toEqual(resolveTrainConfig({ preset: 'target-80' }));
  });

  it('refuses arguments it does not take', () => {
    const r = cli(['presets', 'target-80']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("too many arguments for 'presets'");
  });
});
