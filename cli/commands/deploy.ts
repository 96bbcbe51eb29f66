import { SPACES } from '../../core/model-files.ts';
import { CloudflareApi } from '../deploy/cloudflare-api.ts';
import { deployVersion, readState, rollback, type WorkerDeployer } from '../deploy/deploy.ts';
import { BUCKETS, DEPLOY_ENVS } from '../deploy/deploy-plan.ts';
import { deployWorker } from '../deploy/wrangler-deploy.ts';
import { command } from '../options/command.ts';
import { oneOf, UsageError, wholeNumber } from '../options/kinds.ts';
import { option, toggle } from '../options/option-table.ts';

const group = 'Options';

/** Every flag the command takes. */
export const DEPLOY_OPTIONS = {
  env: option({
    flag: 'env',
    kind: oneOf(DEPLOY_ENVS),
    default: 'production',
    help: 'which worker, R2 bucket and indexes',
    group,
  }),
  batchSize: option({
    flag: 'batch-size',
    kind: wholeNumber({ min: 1, max: 5000, maxReason: "Vectorize's HTTP limit" }),
    default: 1000,
    help: 'vectors per Vectorize upsert request, at most 5000',
    group,
  }),
  waitMinutes: option({
    flag: 'wait-minutes',
    value: 'M',
    kind: wholeNumber({ min: 1 }),
    default: 10,
    help: 'how long to wait for Vectorize to make the vectors queryable',
    group,
  }),
  rollback: option({
    flag: 'rollback',
    value: 'SPACE',
    kind: oneOf(SPACES),
    help: 'serve the version that SPACE served before the current one',
    group,
  }),
  status: toggle({
    flag: 'status',
    help: 'print which versions each space serves, and the earlier ones',
    group,
  }),
};

function credentials(): { accountId: string; apiToken: string; baseUrl?: string } {
  const accountId = process.env.CLOUDFLARE_ACCOUNT_ID;
  const apiToken = process.env.CLOUDFLARE_API_TOKEN;
  if (!accountId || !apiToken) {
    throw new UsageError(
      'set CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (dash.cloudflare.com -> My Profile -> API Tokens; Workers Scripts, Workers R2 Storage and Vectorize edit rights)',
    );
  }
  const baseUrl = process.env.CLOUDFLARE_API_BASE_URL;
  return { accountId, apiToken, ...(baseUrl ? { baseUrl } : {}) };
}

export const deployCommand = command({
  name: 'deploy',
  title: 'put an exported model version live on Cloudflare',
  usage: [
    'jointspace deploy artifacts/<version> [--env production]',
    'jointspace deploy --rollback retrieval|regularities [--env production]',
    'jointspace deploy --status [--env production]',
  ],
  options: DEPLOY_OPTIONS,
  epilogue: `Needs CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (a token with Workers Scripts, Workers
R2 Storage and Vectorize edit rights). It creates what is missing (the R2 bucket, one Vectorize
index per version and kind, cosine, the model's dimension; an existing index of another
dimension or metric is refused), uploads the model files to R2 under models/<version>/ and
the vectors to Vectorize in batches, resumably (run it again after a failure: it continues
where it stopped), waits until every vector is queryable, and only then deploys the worker
serving the new version. A deployment serves both spaces: the worker switches once each space
has a version. The previous version stays in place for --rollback.`,
  positionals: true,
  async run({ values, positionals }) {
    const { env, batchSize, waitMinutes } = values;
    const modes = [positionals.length > 0, values.rollback !== undefined, values.status].filter(
      Boolean,
    ).length;
    if (modes !== 1)
      throw new UsageError('give one model version folder, or --rollback SPACE, or --status');
    if (positionals.length > 1)
      throw new UsageError(`one model version at a time; got ${positionals.length}`);

    const creds = credentials();
    const api = new CloudflareApi(creds);
    const worker: WorkerDeployer = async (request) => {
      await deployWorker({
        ...request,
        accountId: creds.accountId,
        apiToken: creds.apiToken,
        ...(creds.baseUrl ? { apiBaseUrl: creds.baseUrl } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
    };
    const options = {
      api,
      env,
      deployWorker: worker,
      batchSize,
      waitTimeoutMs: waitMinutes * 60_000,
    };

    if (values.status) {
      const state = await readState(api, env);
      console.log(`${env} (R2 bucket ${BUCKETS[env]}):`);
      for (const space of SPACES) {
        const s = state[space];
        console.log(
          `  ${space.padEnd(13)} ${s.current ?? '(none)'}${s.previous.length ? `   earlier: ${s.previous.join(', ')}` : ''}`,
        );
      }
      return;
    }
    if (values.rollback !== undefined) {
      const state = await rollback(values.rollback, options);
      console.log(
        `${env} now serves ${state.retrieval.current} (retrieval) and ${state.regularities.current} (regularities)`,
      );
      return;
    }
    const result = await deployVersion(positionals[0] as string, options);
    console.log(
      result.switched
        ? `${env} now serves ${result.state.retrieval.current} (retrieval) and ${result.state.regularities.current} (regularities)`
        : `${result.version} is uploaded to ${env}; the worker switches once a ${result.space === 'retrieval' ? 'regularities' : 'retrieval'} version is deployed too`,
    );
  },
});

export const DEPLOY_HELP = deployCommand.help;
