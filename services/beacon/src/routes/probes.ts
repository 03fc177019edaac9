import { describeZodError, ProbeBatchRequest, type AnyProbeSpec, type ProbeBatchResponse, type ProbeResult } from '@pingdummy/shared';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { Router } from 'express';
import pLimit from 'p-limit';
import { runProbe, type ProbeSettings } from '../probe/run-probe.js';
import { runTcpProbe } from '../probe/run-tcp-probe.js';
import { requireBearerToken } from './bearer-auth.js';

export interface ProbesRouterOptions {
  readonly token: string;
  readonly region: string;
  /** Probes in flight at once across every batch this beacon serves. */
  readonly concurrency: number;
  readonly settings: ProbeSettings;
  /** True once the beacon is stopping: answers then close their connection so the drain ends. */
  readonly isStopping: () => boolean;
}

/** Request bodies above this are refused with 413 (1000 probes with 64 KiB bodies fit). */
const MAX_REQUEST_BYTES = 2 * 1024 * 1024;

/** `POST /v1/probes`: runs a batch concurrently, each probe at its `startInMs`, and answers with results in request order. */
export function createProbesRouter(options: ProbesRouterOptions): Router {
  const limit = pLimit(options.concurrency);
  // A probe waits for its start outside the concurrency limit, so waiting holds no probe slot.
  const probeBatch = (probes: AnyProbeSpec[]): Promise<ProbeResult[]> =>
    Promise.all(
      probes.map(async (spec) => {
        if (spec.startInMs) await sleep(spec.startInMs);
        return limit(() => (spec.kind === 'tcp' ? runTcpProbe(spec, options.settings) : runProbe(spec, options.settings)));
      }),
    );

  const router = Router();
  router.post(
    '/v1/probes',
    // Authenticate before parsing, so an anonymous client cannot make the beacon read 2 MB.
    requireBearerToken(options.token),
    express.json({ limit: MAX_REQUEST_BYTES, type: () => true }),
    async (req, res) => {
      const parsed = ProbeBatchRequest.safeParse(req.body);
      if (!parsed.success) return void res.status(400).json({ error: describeZodError(parsed.error) });
      const started = performance.now();
      const results = await probeBatch(parsed.data.probes);
      // Guarded so a beacon not logging at debug does not count failures per batch for nothing.
      if (req.log.isLevelEnabled('debug')) {
        req.log.debug(
          { probes: results.length, failed: results.filter((result) => !result.ok).length, ms: Math.round(performance.now() - started) },
          'batch probed',
        );
      }
      const body: ProbeBatchResponse = { region: options.region, results };
      // Otherwise the worker's idle keep-alive connection holds the server open until the stop timeout.
      if (options.isStopping()) res.set('connection', 'close');
      res.json(body);
    },
  );
  return router;
}
