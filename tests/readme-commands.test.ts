// The `looplab` command block of docs/CLI.md is checked against the command itself: every command (and each
// subcommand it lists, `spec list|check|save`) is run with --help, and the test fails on a command the
// help does not know or an option (--flag, -o) it does not list, so the reference cannot drift.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli';

const REFERENCE = join(import.meta.dirname, '..', 'docs', 'CLI.md');

interface Documented {
  line: string;
  command: string;
  subcommands: string[];
  options: string[];
}

/** The `npx looplab …` lines of the reference block, with their continuation lines. */
function documentedCommands(text: string): Documented[] {
  // The reference block: the sh block with the most `npx looplab` lines.
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
  const count = (block: string) => block.split('\n').filter((line) => line.startsWith('npx looplab ')).length;
  const block = blocks.reduce((best, next) => (count(next) > count(best) ? next : best), '');
  const found: Documented[] = [];
  for (const raw of block.split('\n')) {
    const line = raw.replace(/\s+#.*$/, '');
    const words = line.trim().split(/\s+/);
    const last = found.at(-1);
    if (words[0] === 'npx' && words[1] === 'looplab' && words[2] !== undefined) {
      const second = words[3] ?? '';
      const subcommands = /^[a-z]+(\|[a-z]+.*)+$|^[a-z]+$/.test(second) && second !== 'options' ? second : '';
      found.push({
        line: raw.trim(),
        command: words[2],
        subcommands: subcommandsOf(line, subcommands),
        options: optionsOf(line),
      });
    } else if (last !== undefined && /^\s+\[/.test(raw)) {
      last.options.push(...optionsOf(line));
    }
  }
  return found;
}

/** `spec list|check FILE|save <run-id> NAME` names list, check and save. */
function subcommandsOf(line: string, first: string): string[] {
  if (first === '') return [];
  const rest = line.trim().split(/\s+/).slice(3).join(' ');
  return rest
    .split('|')
    .map((part) => part.trim().split(/\s+/)[0] ?? '')
    .filter((word) => /^[a-z]+$/.test(word));
}

function optionsOf(line: string): string[] {
  return [...line.matchAll(/(?<![\w-])(--[a-z][a-z-]*|-[a-z])(?![\w-])/g)].map((match) => match[1]!);
}

function knows(help: string, option: string): boolean {
  return new RegExp(`(^|[\\s,])${option.replace(/-/g, '\\-')}([\\s,=<\\[]|$)`, 'm').test(help);
}

describe("docs/CLI.md's command reference", () => {
  const documented = documentedCommands(readFileSync(REFERENCE, 'utf8'));

  it('lists commands', () => {
    expect(documented.map((entry) => entry.command)).toEqual(expect.arrayContaining(['run', 'spec', 'export']));
  });

  it('names only commands looplab --help lists', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    const listed = [...help.stdout.matchAll(/^ {2}([a-z]+)\b/gm)].map((match) => match[1]);
    const unknown = documented.map((entry) => entry.command).filter((command) => !listed.includes(command));
    expect(unknown, 'commands of docs/CLI.md that looplab --help does not list').toEqual([]);
  });

  for (const entry of documented) {
    it(`knows ${entry.line}`, async () => {
      const help = await runCli([entry.command, '--help']);
      expect(help.stderr, `looplab ${entry.command} --help`).toBe('');
      expect(help.code).toBe(0);
      let texts = help.stdout;
      for (const sub of entry.subcommands) {
        const subHelp = await runCli([entry.command, sub, '--help']);
        expect(subHelp.code, `looplab ${entry.command} ${sub} --help: ${subHelp.stderr}`).toBe(0);
        texts += subHelp.stdout;
      }
      const unknown = entry.options.filter((option) => !knows(texts, option));
      expect(unknown, `options of "${entry.line}" that --help does not list`).toEqual([]);
    }, 60_000);
  }
});
