import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { exportOnnx, ONNX_OPSET, type OnnxInput, writeFileAtomic } from '../index.js';
import { openModel } from './model-io.js';

/** The formats `export --format` writes. */
const FORMATS = ['onnx'] as const;

export function registerExport(program: Command): void {
  const command: Command = program.command('export');
  command
    .description(`write a model in another format for other runtimes: ONNX (opset ${ONNX_OPSET}) of its compact network, input preprocessing included`)
    .argument('<model>', 'a model file or a run directory with model.bin')
    .option('--format <format>', `the format to write: ${FORMATS.join(', ')}`)
    .requiredOption('--out <file>', 'where to write it, e.g. model.onnx')
    .addOption(
      new Option(
        '--input <kind>',
        "what the exported graph reads: images (uint8 pixels, fed as b / 255) or features (float32) (default: the run's dataset, csv: = features; for a bare model file, features when it carries a standardization, else images)",
      ).choices(['images', 'features']),
    )
    .option('--json', 'print what was written as one JSON object')
    .addHelpText(
      'after',
      '\nExamples:\n  $ evoprune export runs/emergent --format onnx --out emergent.onnx\n  $ evoprune export compact.bin --format onnx --out model.onnx --input features',
    )
    .action((path: string, flags: { format?: string; out: string; input?: OnnxInput; json?: boolean }) => {
      // Checked before the model is read, so a usage error costs nothing.
      if (flags.format === undefined) command.error(`error: --format is required: one of ${FORMATS.join(', ')}`, { exitCode: 2, code: 'evoprune.format' });
      if (!(FORMATS as readonly string[]).includes(flags.format)) {
        command.error(`error: --format "${flags.format}" is not supported: one of ${FORMATS.join(', ')}`, { exitCode: 2, code: 'evoprune.format' });
      }
      if (existsSync(flags.out) && statSync(flags.out).isDirectory()) {
        command.error(`error: --out ${flags.out} is a directory: give the file to write, e.g. ${flags.out.replace(/\/+$/, '')}/model.onnx`, {
          exitCode: 2,
          code: 'evoprune.out',
        });
      }
      const source = existsSync(path) && statSync(path).isDirectory() ? join(path, 'model.bin') : path;
      if (resolve(flags.out) === resolve(source)) {
        command.error(`error: --out ${flags.out} is the model being exported: choose another file`, { exitCode: 2, code: 'evoprune.out' });
      }
      const opened = openModel(path);
      const { model } = opened;
      try {
        // A run folder's config names its dataset: csv: runs read f32 features, every other dataset byte images.
        const input = flags.input ?? (opened.dataset === undefined ? undefined : opened.dataset.startsWith('csv:') ? 'features' : 'images');
        const exported = exportOnnx(model, {
          source: path,
          ...(input ? { input } : {}),
          ...(opened.classNames ? { classNames: opened.classNames } : {}),
        });
        try {
          writeFileAtomic(flags.out, exported.bytes);
        } catch (error) {
          throw new Error(`${flags.out}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        }
        const kb = exported.bytes.length / 1024;
        const { name, type, shape } = exported.input;
        const classes = exported.sizes[exported.sizes.length - 1]!;
        const result = {
          out: flags.out,
          format: 'onnx',
          bytes: exported.bytes.length,
          sizes: exported.sizes,
          sourceSizes: exported.sourceSizes,
          input: exported.input,
          outputs: exported.outputs,
        };
        process.stdout.write(
          flags.json
            ? JSON.stringify(result) + '\n'
            : `wrote ${flags.out} (${kb.toFixed(1)} KB, ONNX opset ${ONNX_OPSET}): compact MLP ${exported.sizes.join('-')} (from ${exported.sourceSizes.join('-')}) · input ${name} ${type} [${shape.join(', ')}] → logits, probabilities [batch, ${classes}]\n`,
        );
      } finally {
        model.free();
      }
    });
}
