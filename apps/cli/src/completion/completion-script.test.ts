import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { createProgram } from '../program.js';
import { MemoryStream } from '../test-support/memory-stream.js';
import { completionScript } from './completion-script.js';

function program() {
  const io: CliIo = {
    stdout: new MemoryStream(false),
    stderr: new MemoryStream(false),
    env: {},
    cwd: '/',
    now: () => new Date(0),
    interrupt: new AbortController().signal,
  };
  return createProgram(io, [], { exitCode: 0, debug: false, commandPath: '', afterError: [] });
}

/** What bash's completion offers for the words typed so far (the last one being completed). */
function bashComplete(words: readonly string[]): string[] {
  const script = completionScript(program(), 'bash');
  const line = `${script}
COMP_WORDS=(${words.map((word) => `'${word}'`).join(' ')})
COMP_CWORD=${words.length - 1}
_orderbridge_completion
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', line], { encoding: 'utf8' })
    .split('\n')
    .filter((word) => word !== '');
}

describe('completionScript', () => {
  it('completes commands, subcommands and flags in bash, from the command tree', () => {
    expect(bashComplete(['orderbridge', ''])).toEqual(
      expect.arrayContaining(['orders', 'providers', 'sandbox', 'completion', '--config']),
    );
    expect(bashComplete(['orderbridge', 'orders', 'l'])).toEqual(['list']);
    expect(bashComplete(['orderbridge', 'orders', 'list', '--cur']).sort()).toEqual([
      '--currency',
      '--cursor',
    ]);
    // A flag's value is skipped when working out the command: `--status paid` is not a command.
    expect(
      bashComplete(['orderbridge', '--config', 'x.json', 'orders', 'export', '--res']),
    ).toEqual(['--resume']);
    expect(bashComplete(['orderbridge', 'completion', ''])).toEqual(
      expect.arrayContaining(['bash', 'zsh', 'fish']),
    );
  });

  it('lists each flag of a command once, its own definition replacing an inherited one', () => {
    const words = bashComplete(['orderbridge', 'providers', 'check', '--']);
    expect(words.filter((word) => word === '--format')).toHaveLength(1);
    expect(words).not.toContain('--version');
  });

  it('writes a zsh script through bashcompinit and a fish script of complete commands', () => {
    const zsh = completionScript(program(), 'zsh');
    expect(zsh.split('\n').slice(0, 2)).toEqual([
      '#compdef orderbridge',
      'autoload -U +X bashcompinit && bashcompinit',
    ]);
    const fish = completionScript(program(), 'fish');
    expect(fish).toContain("complete -c orderbridge -f -n '__fish_use_subcommand' -a orders");
    expect(fish).toMatch(
      /complete -c orderbridge -n '__fish_seen_subcommand_from orders; and __fish_seen_subcommand_from list' -l currency -r -d '[^']+'/,
    );
  });
});
