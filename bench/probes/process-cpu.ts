// CPU time of process trees, read from /proc (Linux). A tree's time includes children that already
// exited (the parent's cutime/cstime once it reaped them), so short-lived Postgres backends count too.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function readProc(pid: number, file: string): string {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return '';
  }
}

/** Fields of /proc/<pid>/stat after the command name: [0] is the state, [11..14] utime, stime, cutime, cstime. */
function statFields(pid: number): string[] | undefined {
  const stat = readProc(pid, 'stat');
  return stat ? stat.slice(stat.lastIndexOf(') ') + 2).split(' ') : undefined;
}

function ownSeconds(fields: string[]): number {
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function reapedChildrenSeconds(fields: string[]): number {
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

export function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((other) => new RegExp(`^PPid:\\s+${pid}$`, 'm').test(readProc(other, 'status')));
}

export function commandLine(pid: number): string {
  return readProc(pid, 'cmdline').replaceAll('\0', ' ').trim();
}

/** The first process whose command line contains `text`. */
export function findProcess(text: string): number | undefined {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .find((pid) => commandLine(pid).includes(text));
}

/** CPU seconds of a process and its direct children, labelled by `label(child command line)`. */
export interface TreeCpu {
  total: number;
  /** Per label of the live children; what reaped children used is in `reaped`. */
  children: Record<string, number>;
  own: number;
  reaped: number;
}

export function treeCpu(pid: number, label: (commandLine: string) => string = () => 'children'): TreeCpu {
  const fields = statFields(pid);
  if (!fields) return { total: 0, children: {}, own: 0, reaped: 0 };
  const children: Record<string, number> = {};
  for (const child of childrenOf(pid)) {
    const childFields = statFields(child);
    if (!childFields) continue;
    const name = label(commandLine(child));
    children[name] = (children[name] ?? 0) + ownSeconds(childFields);
  }
  const own = ownSeconds(fields);
  const reaped = reapedChildrenSeconds(fields);
  const total = own + reaped + Object.values(children).reduce((sum, seconds) => sum + seconds, 0);
  return { total, children, own, reaped };
}

/** Postgres children: client backends (the worker's connections) versus the server's own background processes. */
export function postgresRole(commandLine: string): string {
  return /^postgres: \S+ \S+ [\d.:]+\(/.test(commandLine) ? 'backends' : 'background';
}

export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readProc(pid, 'status'));
  return match ? Math.round(Number(match[1]) / 1024) : 0;
}
