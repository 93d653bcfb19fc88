import cliProgress from 'cli-progress';
import { type EpochMetrics, formatPercent, type TrainProgress } from '../index.js';

/**
 * Training progress on stderr: a live bar on a terminal, one line per epoch otherwise (logs, CI),
 * so stdout stays free for results and --json.
 */
export function trainingReporter(quiet: boolean, stream: NodeJS.WriteStream = process.stderr) {
  const tty = stream.isTTY === true && !quiet;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream,
          format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | loss {loss} | {speed} samples/s | eta {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  let halted = false;
  return {
    onProgress(p: TrainProgress) {
      if (!bar || halted) return;
      const value = (p.epoch - 1) * p.batches + p.batch;
      const payload = { epoch: p.epoch, epochs: p.epochs, loss: p.loss.toFixed(4), speed: Math.round(p.samplesPerSecond) };
      if (!started) {
        bar.start(p.epochs * p.batches, value, payload);
        started = true;
      } else {
        bar.update(value, payload);
      }
    },
    onEpoch(m: EpochMetrics) {
      if (quiet) return;
      const line = `epoch ${m.epoch}: train loss ${m.trainLoss.toFixed(4)}, test loss ${m.testLoss.toFixed(4)}, test accuracy ${formatPercent(m.testAccuracy)}, ${Math.round(m.samplesPerSecond)} samples/s, alive ${m.alive.join('+')}`;
      if (bar) {
        bar.stop();
        started = false;
      }
      stream.write(line + '\n');
    },
    /** Stops the bar for good (Ctrl-C, the end): nothing redraws over later messages. */
    stop() {
      halted = true;
      if (started) bar?.stop();
      started = false;
    },
  };
}
