import { parseArgs } from 'node:util';
import { formatMetricsTable } from '../../core/metrics-table.ts';
import { DATASET_FORMATS, describeDataset, loadDataset } from '../../trainer/data/load.ts';
import {
  DEFAULT_TRAIN_CONFIG as D,
  DEFAULT_JOINT_DIM,
  DEFAULT_WORD_DIM,
  ENCODERS,
  type TrainConfig,
} from '../../trainer/model/config.ts';
import { formatDuration } from '../../trainer/report/progress.ts';
import { RUN_FILES } from '../../trainer/train/run-files.ts';
import { train } from '../../trainer/train/train.ts';
import { atLeast, number, oneOf, positive, UsageError } from './args.ts';
import {
  BACKEND_FLAGS,
  BACKEND_HELP,
  computeCommand,
  DATA_FLAGS,
  loadOptions,
  startBackend,
} from './shared-options.ts';

export const TRAIN_HELP = `jointspace train: learn the joint space of images and sentences

  jointspace train --data PATH [options]

Data:
  --data PATH         a demo world folder, a Karpathy dataset_*.json (or its folder) with
                      row-aligned features (.npy or vgg_feats.mat), or a VSE++ precomp folder
  --format F          ${DATASET_FORMATS.join(' | ')} (default: detected)
  --features FILE     Karpathy features file (default: the one .npy / .mat beside the JSON)

Model:
  --encoder E         ${ENCODERS.join(' | ')}                 (default lstm)
  --joint-dim N       joint space and recurrent state         (default ${DEFAULT_JOINT_DIM})
  --word-dim N        word embedding                          (default ${DEFAULT_WORD_DIM})

Training (defaults are the authors'):
  --epochs N          passes over the training captions       (default ${D.epochs})
  --batch-size N      matching pairs per update               (default ${D.batchSize})
  --lr X              Adam learning rate                      (default ${D.learningRate})
  --margin X          hinge margin                            (default ${D.margin})
  --clip X            global gradient norm clip               (default ${D.gradClip})
  --max-violation     VSE++ hardest-negative loss instead of the sum
  --val-every N       score val and keep the best model every N updates (default ${D.validateEvery})
  --max-length N      cut captions to N tokens (default ${D.maxLength})
  --min-count N       rarer training words become <unk> (default ${D.minCount})
  --max-updates N     stop after N updates (default: no limit)
  --seed N            repeatable on one backend (default ${D.seed})

Run:
  --out DIR           run folder (default runs/<dataset>-<encoder>)
  --resume            continue the run in --out from its latest checkpoint, with its own
                      settings (--epochs and --max-updates may extend it)
${BACKEND_HELP}
  --no-progress       no progress bar
  -h, --help

Writes to the run folder: latest.ckpt (resumable), best.ckpt (best val rsum), log.jsonl and
curves.svg (training curves; open it in a browser). Ctrl-C stops cleanly with a checkpoint.`;

export const trainCommand = computeCommand(async (argv: string[]): Promise<void> => {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      ...DATA_FLAGS,
      encoder: { type: 'string' },
      'joint-dim': { type: 'string' },
      'word-dim': { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      margin: { type: 'string' },
      clip: { type: 'string' },
      'max-violation': { type: 'boolean', default: false },
      'val-every': { type: 'string' },
      'max-length': { type: 'string' },
      'min-count': { type: 'string' },
      'max-updates': { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean', default: false },
      ...BACKEND_FLAGS,
      'no-progress': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(TRAIN_HELP);
    return;
  }
  if (!values.data) throw new UsageError('--data is required (e.g. --data data/demo)');
  const encoder = oneOf('--encoder', values.encoder, ENCODERS, 'lstm');
  const config: TrainConfig = {
    epochs: atLeast('--epochs', values.epochs, D.epochs, 1),
    batchSize: atLeast('--batch-size', values['batch-size'], D.batchSize, 2),
    learningRate: positive('--lr', values.lr, D.learningRate),
    gradClip: positive('--clip', values.clip, D.gradClip),
    margin: number('--margin', values.margin, D.margin),
    maxViolation: values['max-violation'],
    validateEvery: atLeast('--val-every', values['val-every'], D.validateEvery, 1),
    maxLength: atLeast('--max-length', values['max-length'], D.maxLength, 1),
    minCount: atLeast('--min-count', values['min-count'], D.minCount, 1),
    seed: atLeast('--seed', values.seed, D.seed, 0),
    maxUpdates: atLeast('--max-updates', values['max-updates'], D.maxUpdates, 0),
  };
  const jointDim = atLeast('--joint-dim', values['joint-dim'], DEFAULT_JOINT_DIM, 1);
  const wordDim = atLeast('--word-dim', values['word-dim'], DEFAULT_WORD_DIM, 1);
  const options = loadOptions(values);
  const backend = await startBackend(values);
  const dataset = await loadDataset(values.data, options);
  const runDir = values.out ?? `runs/${dataset.name}-${encoder}`;
  process.stderr.write(
    `data: ${dataset.source} (${dataset.format})\n${describeDataset(dataset)}\n`,
  );

  const result = await train({
    dataset,
    encoder,
    wordDim,
    jointDim,
    train: config,
    runDir,
    resume: values.resume,
    limitsGiven: {
      epochs: values.epochs !== undefined,
      maxUpdates: values['max-updates'] !== undefined,
    },
    backend: backend.choice,
    progress: !values['no-progress'],
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
});
