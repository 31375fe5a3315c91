// A Slurm cluster's login node, reached with this machine's OpenSSH client (the person's key or agent,
// the host's key checked against known_hosts): runs one shell command there and collects what it says,
// or streams its output. Failures say which target and what to do.
import { AppError } from '../../shared/errors';
import type { SlurmTarget } from '../../shared/targets';
import { runOverSsh, SshNotStarted, type RemoteOptions, type RemoteResult } from './ssh-run';
import { sshCommand } from './target-engines';

export type { RemoteOptions, RemoteResult } from './ssh-run';

function sshArgs(target: SlurmTarget): string[] {
  const ssh = sshCommand(target);
  if (ssh === undefined) throw new AppError('invalid_input', `Target ${target.name}: host must be ssh://…`);
  return ssh.args;
}

/** Runs `command` (one shell line, every value in it quoted) on the login node. Exit 255: SSH failed. */
export function runRemote(target: SlurmTarget, command: string, options: RemoteOptions = {}): Promise<RemoteResult> {
  return runOverSsh(sshArgs(target), command, options).catch((error: unknown) => {
    throw error instanceof SshNotStarted ? sshFailure(target, error.message) : error;
  });
}

/** Runs `command` and returns its output; a failure (SSH's or the command's) is an AppError that says what to do. */
export async function remoteOutput(target: SlurmTarget, command: string, options: RemoteOptions = {}): Promise<string> {
  const result = await runRemote(target, command, options);
  if (result.code !== 0) throw slurmFailure(target, result);
  return result.stdout;
}

/** What went wrong reaching the login node over SSH, in words that say what to do. */
export function sshFailure(target: SlurmTarget, message: string): AppError {
  const say = (text: string, hint: string) =>
    new AppError('unavailable', `Slurm target ${target.name} (${target.host}): ${text}.`, hint);
  if (/host key verification failed|no .* host key is known/i.test(message))
    return say(
      'its host key is not in known_hosts',
      `Check the login node's key and add it: ssh-keyscan <host> >> ${target.knownHosts ?? '~/.ssh/known_hosts'} (or connect once with ssh).`,
    );
  if (/permission denied/i.test(message))
    return say('SSH refused the key', 'Add your public key to ~/.ssh/authorized_keys there, or set identityFile.');
  if (/connection refused/i.test(message))
    return say('nothing answers on its SSH port', 'Is the login node up, and is the port right?');
  if (/timed out|no route to host|could not resolve|network is unreachable|ENOENT/i.test(message))
    return say(
      `it did not answer (${message.trim().split('\n').pop() ?? ''})`,
      /ENOENT/.test(message)
        ? 'Install an OpenSSH client on this machine (ssh).'
        : 'Check the address and that this machine can reach it (VPN, firewall).',
    );
  return say(message.trim() || 'SSH failed', `Check the target with \`looplab targets test ${target.name}\`.`);
}

/** A command that ran there and failed: SSH's failure, no Slurm there, or Slurm's own refusal. */
export function slurmFailure(target: SlurmTarget, result: RemoteResult): AppError {
  if (result.code === 255) return sshFailure(target, result.stderr);
  const said = result.stderr.trim().split('\n').slice(-3).join(' ');
  const say = (text: string, hint: string) =>
    new AppError('unavailable', `Slurm target ${target.name} (${target.host}): ${text}.`, hint);
  if (result.code === 127 || /(sbatch|squeue|sacct|sinfo|scancel): (command )?not found/.test(said))
    return say(
      'there is no Slurm there (sbatch not found)',
      "Point host at the cluster's login node, where sbatch, squeue and sacct run.",
    );
  if (/invalid partition/i.test(said))
    return say(
      `the partition ${target.partition ?? '(default)'} does not exist (${said})`,
      'Set partition to one that sinfo lists, or leave it out for the default.',
    );
  if (/invalid account/i.test(said))
    return say(
      `the account ${target.account ?? '(default)'} is refused (${said})`,
      'Set account to one of yours (sacctmgr show assoc user=$USER).',
    );
  if (/node configuration is not available|more processors than|memory specification/i.test(said))
    return say(
      `no node there can take the job as asked (${said})`,
      'Ask for fewer CPUs, less memory or fewer GPUs, or use a partition with bigger nodes.',
    );
  return say(said || `exit code ${result.code}`, `Check the target with \`looplab targets test ${target.name}\`.`);
}
