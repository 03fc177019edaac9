import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { Pool } from '@pingdummy/shared';

/**
 * Counts unpaused probed checks (heartbeat checks are never due) more than 30 s past their due time and not being probed: the queue the
 * `OverdueChecks` alarm watches. A healthy fleet keeps it at zero.
 */
export async function countOverdueChecks(pool: Pool): Promise<number> {
  const { rows } = await pool.query(
    `SELECT count(*)::int AS n FROM checks
      WHERE NOT paused AND kind <> 'heartbeat' AND next_due_at < now() - interval '30 seconds'
        AND (lease_expires_at IS NULL OR lease_expires_at < now())`,
  );
  return rows[0].n;
}

/** Publishes the gauge to CloudWatch (namespace from config, dimension Environment). */
export class OverdueMetricPublisher {
  private readonly client = new CloudWatchClient({});

  constructor(
    private readonly namespace: string,
    private readonly environment: string,
  ) {}

  async publish(value: number): Promise<void> {
    await this.client.send(
      new PutMetricDataCommand({
        Namespace: this.namespace,
        MetricData: [
          {
            MetricName: 'OverdueChecks',
            Dimensions: [{ Name: 'Environment', Value: this.environment }],
            Value: value,
            Unit: 'Count',
          },
        ],
      }),
    );
  }
}
