import { formatMetricsTable } from '../../core/metrics-table.ts';
import { describeDataset, loadDataset } from '../../trainer/data/load.ts';
import { MODEL_SETTINGS, TRAIN_SETTINGS } from '../../trainer/model/config.ts';
import { formatDuration } from '../../trainer/report/progress.ts';
import { RUN_FILES } from '../../trainer/train/run-files.ts';
import { train } from '../../trainer/train/train.ts';
import { command } from '../options/command.ts';
import { text } from '../options/kinds.ts';
import { option, toggle } from '../options/option-table.ts';
import { pickSettings, settingOptions } from '../options/settings.ts';
import {
  BACKEND_OPTIONS,
  DATA_OPTIONS,
  loadOptions,
  PROGRESS_OPTIONS,
  startBackend,
} from '../options/shared-options.ts';

/** The trainer's settings, as trainer/model/config.ts declares them, with the flags' names. */
const MODEL_OPTIONS = settingOptions(MODEL_SETTINGS, 'Model');
const TRAINING_OPTIONS = settingOptions(TRAIN_SETTINGS, "Training (defaults are the authors')", {
  learningRate: 'lr',
  gradClip: 'clip',
  validateEvery: 'val-every',
});

/** Every flag the command takes. */
export const TRAIN_OPTIONS = {
  ...DATA_OPTIONS,
  ...MODEL_OPTIONS,
  ...TRAINING_OPTIONS,
  out: option({
    flag: 'out',
    kind: text('DIR'),
    defaultText: 'runs/<dataset>-<encoder>',
    help: 'run folder',
    group: 'Run',
  }),
  resume: toggle({
    flag: 'resume',
    help: 'continue the run in --out from its latest checkpoint, with its own settings (--epochs and --max-updates may extend it)',
    group: 'Run',
  }),
  ...BACKEND_OPTIONS,
  ...PROGRESS_OPTIONS,
};

export const trainCommand = command({
  name: 'train',
  title: 'learn the joint space of images and sentences',
  usage: ['jointspace train --data PATH [options]'],
  options: TRAIN_OPTIONS,
  epilogue: `Writes to the run folder: latest.ckpt (resumable), best.ckpt (best val rsum), log.jsonl and
curves.svg (training curves; open it in a browser). Ctrl-C stops cleanly with a checkpoint.`,
  compute: true,
  async run({ values, given }) {
    const { encoder, jointDim, wordDim } = values;
    const backend = await startBackend(values);
    const dataset = await loadDataset(values.data, loadOptions(values));
    const runDir = values.out ?? `runs/${dataset.name}-${encoder}`;
    process.stderr.write(
      `data: ${dataset.source} (${dataset.format})\n${describeDataset(dataset)}\n`,
    );

    const result = await train({
      dataset,
      encoder,
      wordDim,
      jointDim,
      train: pickSettings(TRAIN_SETTINGS, values),
      runDir,
      resume: values.resume,
      limitsGiven: { epochs: given.has('epochs'), maxUpdates: given.has('maxUpdates') },
      backend: backend.choice,
      progress: !values.noProgress,
    });
    const files = RUN_FILES(runDir);
    const p = result.progress;
    console.log(
      [
        `${result.stoppedEarly ? 'Stopped' : 'Trained'} ${p.update} updates (${formatDuration(p.seconds)} of training, ${result.secondsPerBatch.toFixed(3)} s/batch on ${backend.choice}).`,
        result.best
          ? formatMetricsTable(result.best, `Best on val (update ${p.bestUpdate})`)
          : `Best val rsum ${p.bestRsum.toFixed(1)} at update ${p.bestUpdate}.`,
        `Run folder ${runDir}: ${files.best.split('/').pop()}, ${files.latest.split('/').pop()}, ${files.log.split('/').pop()}, ${files.plot.split('/').pop()}`,
      ].join('\n'),
    );
  },
});

export const TRAIN_HELP = trainCommand.help;
