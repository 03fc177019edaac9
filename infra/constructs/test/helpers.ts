import { Testing } from 'cdktf';
import type {} from 'cdktf/lib/testing/adapters/jest.js';
import type { Construct } from 'constructs';
import { applyRoleBoundary } from '../src/stack-role.js';

Testing.setupJest();

/** A synthesized scope: the JSON text (for cdktf matchers) and the parsed object (for precise lookups). */
export interface Synthesized {
  readonly text: string;
  readonly json: { resource?: Record<string, Record<string, Record<string, unknown>>>; data?: Record<string, Record<string, Record<string, unknown>>>; output?: Record<string, unknown> };
}

/** The permissions boundary `synth` applies, as an EnvironmentStack would. */
export const TEST_BOUNDARY = 'arn:aws:iam::123456789012:policy/test-permissions-boundary';

export function synth(build: (scope: Construct) => void): Synthesized {
  const text = Testing.synthScope((scope) => {
    applyRoleBoundary(scope, { permissionsBoundaryArn: TEST_BOUNDARY });
    build(scope);
  });
  return { text, json: JSON.parse(text) as Synthesized['json'] };
}

/** Every resource of a type, as configured. */
export function resourcesOf(synthesized: Synthesized, type: string): Record<string, unknown>[] {
  return Object.values(synthesized.json.resource?.[type] ?? {});
}

/** The only resource of a type; fails when there are none or several. */
export function onlyResource(synthesized: Synthesized, type: string): Record<string, unknown> {
  const found = resourcesOf(synthesized, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

export const ACCOUNT = '123456789012';
export const REGION = 'eu-west-1';
export const AZS = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
