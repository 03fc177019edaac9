import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Result of one terraform command. */
export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
  readonly exitCode: number;
}

/**
 * Runs a command; rejects with its output when its exit code is not in `acceptExitCodes` (default: 0 only),
 * naming the command and folder.
 */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; acceptExitCodes?: readonly number[] }): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error) => reject(new Error(`${command} could not start in ${options.cwd}: ${error.message}`)));
    child.on('close', (code) => {
      const result = {
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        seconds: (performance.now() - started) / 1000,
        exitCode: code ?? -1,
      };
      if ((options.acceptExitCodes ?? [0]).includes(result.exitCode)) resolve(result);
      else reject(new Error(`\`${command} ${args.join(' ')}\` failed (exit ${code}) in ${options.cwd}:\n${result.stderr || result.stdout}`));
    });
  });
}

/**
 * The folder Terraform wants as `filesystem_mirror.path` (the one holding `registry.terraform.io/`).
 * Accepts that folder or the `registry.terraform.io` folder itself, since both get called "the mirror".
 */
export function mirrorRoot(providerMirror: string): string {
  const resolved = path.resolve(providerMirror);
  if (existsSync(path.join(resolved, 'registry.terraform.io'))) return resolved;
  if (path.basename(resolved) === 'registry.terraform.io' && existsSync(resolved)) return path.dirname(resolved);
  throw new Error(`TF_PROVIDER_MIRROR "${providerMirror}" holds no registry.terraform.io/ folder: point it at the provider filesystem mirror`);
}

/**
 * Writes the Terraform CLI configuration of the harness.
 * - With a filesystem mirror (TF_PROVIDER_MIRROR, the folder holding `registry.terraform.io/`):
 *   providers come from it only, and no plugin cache is set. `init` links an unpacked mirror's
 *   provider into `.terraform/` by itself, and Terraform's plugin cache is not safe for concurrent
 *   `init`s (hashicorp/terraform#31964): a cold cache filled by two at once breaks one of them.
 * - Without one: the public registry, with a plugin cache so each stack does not download the
 *   provider again. Callers run their `init`s one at a time then.
 * The file is written beside and renamed into place, so a terraform reading it never sees half of it.
 */
export function writeCliConfig(folder: string, providerMirror: string | undefined): string {
  mkdirSync(folder, { recursive: true });
  const mirror = providerMirror ? mirrorRoot(providerMirror) : undefined;
  const lines = mirror
    ? [
        'provider_installation {',
        '  filesystem_mirror {',
        `    path    = ${JSON.stringify(mirror)}`,
        '    include = ["registry.terraform.io/*/*"]',
        '  }',
        '  direct {',
        '    exclude = ["registry.terraform.io/*/*"]',
        '  }',
        '}',
      ]
    : [`plugin_cache_dir = ${JSON.stringify(pluginCacheDir(folder))}`, 'plugin_cache_may_break_dependency_lock_file = true'];
  const file = path.join(folder, 'terraformrc');
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${lines.join('\n')}\n`);
  renameSync(partial, file);
  return file;
}

function pluginCacheDir(folder: string): string {
  const pluginCache = path.join(folder, 'plugin-cache');
  mkdirSync(pluginCache, { recursive: true });
  return pluginCache;
}
