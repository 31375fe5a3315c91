import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { slurmTargetSchema } from '../../shared/targets';
import { parseCheck } from './slurm-check';
import {
  batchScript,
  endOf,
  jobPaths,
  parseAccountLine,
  parseQueueLine,
  parseScontrol,
  sbatchArgs,
} from './slurm-commands';
import { shellQuote } from './shell-quote';

const target = slurmTargetSchema.parse({ name: 'hpc', kind: 'slurm', host: 'ssh://me@login' });
const job = {
  jobId: 'job-1',
  runId: 'run-1',
  containerName: 'looplab-job-0123abcd-job-1',
  workspaceFolder: '/data/ws',
  gpu: false,
  startedAt: 1_700_000_000_000,
  timeoutSeconds: 90,
};
const request = { job, command: 'python train.py', env: { A: '1' }, cpus: 2, memoryBytes: 3 * 1024 ** 3, gpu: false };

describe('what is sent to the login node', () => {
  it('quotes every value so the shell there reads it back unchanged', () => {
    const hostile = `it's "$(rm -rf ~)" \`x\` $HOME; \n ok`;
    expect(execFileSync('sh', ['-c', `printf %s ${shellQuote(hostile)}`], { encoding: 'utf8' })).toBe(hostile);
  });

  it('keeps a job folder under the home for ~ and refuses a name that is not a job', () => {
    expect(jobPaths(target, job.containerName).dir).toBe(`"$HOME"/'.looplab/jobs'/'looplab-job-0123abcd-job-1'`);
    expect(jobPaths({ ...target, workdir: "/scratch/it's/" }, job.containerName).dir).toBe(
      `'/scratch/it'\\''s'/'looplab-job-0123abcd-job-1'`,
    );
    expect(() => jobPaths(target, '../../etc')).toThrow();
  });

  it('writes a batch script that runs the command with its environment in the runtime', () => {
    const paths = jobPaths(target, job.containerName);
    const env = { ...request, env: { TOKEN: "a'b $c" } };
    expect(batchScript(target, env, paths)).toBe(
      `#!/bin/bash\ncd ${paths.dir}/workspace || exit 1\nexport TOKEN='a'\\''b $c'\nexec bash -c 'python train.py'\n`,
    );
    const apptainer = { ...target, runtime: { kind: 'apptainer' as const, image: 'ml.sif' } };
    expect(batchScript(apptainer, { ...request, gpu: true }, paths)).toContain(
      `exec apptainer exec --nv --bind "$PWD":/workspace --pwd /workspace 'ml.sif' bash -c 'python train.py'`,
    );
    expect(() => batchScript(target, { ...request, env: { 'A;rm': 'x' } }, paths)).toThrow();
  });

  it("asks sbatch for the job's time, CPUs, memory, GPUs, partition and account", () => {
    const paths = jobPaths(target, job.containerName);
    const gpuTarget = { ...target, partition: 'gpu', account: 'lab', gpus: 2 };
    const args = sbatchArgs(gpuTarget, { ...request, gpu: true }, paths);
    expect(args).toEqual(
      expect.arrayContaining([
        '--time=2',
        '--cpus-per-task=2',
        '--mem=3072M',
        '--gres=gpu:2',
        `--partition='gpu'`,
        `--account='lab'`,
        `--job-name='looplab-job-0123abcd-job-1'`,
      ]),
    );
    const comment = args.find((arg) => arg.startsWith('--comment='))!.slice('--comment='.length);
    expect(JSON.parse(Buffer.from(comment, 'base64').toString('utf8'))).toEqual(job);
  });
});

describe('what the cluster answers', () => {
  it('reads squeue lines and nothing else', () => {
    expect(parseQueueLine('PENDING|Resources|1700000000')).toEqual({
      state: 'PENDING',
      reason: 'Resources',
      submittedAt: 1_700_000_000,
      active: true,
    });
    expect(parseQueueLine('COMPLETED|None|1700000000')?.active).toBe(false);
    expect(parseQueueLine('slurm_load_jobs error: Invalid job id specified')).toBeUndefined();
    expect(parseQueueLine('RUNNING|None|17000|extra')).toBeUndefined();
  });

  it('reads sacct lines of that job only', () => {
    expect(parseAccountLine('42|FAILED|3:0|1700000100', '42')).toEqual({
      state: 'FAILED',
      exitCode: 3,
      signal: 0,
      end: 1_700_000_100,
    });
    expect(parseAccountLine('42|CANCELLED by 1002|0:15|Unknown', '42')).toMatchObject({
      state: 'CANCELLED',
      end: undefined,
    });
    expect(parseAccountLine('43|FAILED|3:0|1700000100', '42')).toBeUndefined();
    expect(parseAccountLine('Slurm accounting storage is disabled', '42')).toBeUndefined();
  });

  it('reads scontrol show job -o', () => {
    const line =
      'JobId=42 JobName=x JobState=TIMEOUT Reason=TimeLimit ExitCode=0:15 EndTime=1700000100 Comment=JobId=9';
    expect(parseScontrol(line, '42')).toEqual({ state: 'TIMEOUT', exitCode: 0, signal: 15, end: 1_700_000_100 });
    expect(parseScontrol(line, '41')).toBeUndefined();
  });

  it('says how a job ended in words the log carries', () => {
    const ended = (state: string, exitCode = 0, signal = 0) => endOf({ state, exitCode, signal, end: 1 }, job);
    expect(ended('COMPLETED')).toEqual({ exitCode: 0, finishedAt: 1000 });
    expect(ended('FAILED', 3)).toEqual({ exitCode: 3, finishedAt: 1000 });
    expect(ended('TIMEOUT', 0, 15).reason).toBe("Slurm's time limit of 2 min (the job's timeout) ended it (TIMEOUT)");
    expect(ended('OUT_OF_MEMORY')).toMatchObject({ exitCode: 137, oomKilled: true });
    expect(ended('NODE_FAIL')).toMatchObject({ exitCode: null, reason: 'the node it ran on failed (NODE_FAIL)' });
  });

  it('says what targets test found: version, partitions, GPUs, runtime', () => {
    const text = [
      'version|slurm 23.11.4',
      'part|cpu*|up|(null)',
      'part|gpu|up|gpu:a100:8(S:0-1),shard:4',
      'runtime|Python 3.11.2',
    ].join('\n');
    expect(parseCheck({ ...target, partition: 'gpu' }, text)).toEqual({
      reachable: true,
      version: 'slurm 23.11.4',
      gpus: true,
      gpuInventory: ['gpu:a100:8 on partition gpu'],
      runtime: 'Python (Python 3.11.2)',
    });
    expect(parseCheck({ ...target, partition: 'big' }, text).problem).toBe(
      'The partition big does not exist there (sinfo lists cpu, gpu).',
    );
    expect(parseCheck(target, 'version|bash: sinfo: command not found\nnosbatch|\nnoruntime|').problem).toMatch(
      /^There is no Slurm there \(sbatch not found\).*Python is not there/,
    );
  });
});
