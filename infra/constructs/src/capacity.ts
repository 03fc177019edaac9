/**
 * How many awsvpc tasks, CPU units and MiB of memory a container instance offers, and a synth-time
 * check that an environment's tasks at their maximum counts fit its instances at their maximum.
 *
 * In `awsvpc` mode every task takes an elastic network interface (ENI), and the primary ENI is the
 * instance's own: a t3.large (3 ENIs) holds 2 tasks whatever its CPU and memory. ENI trunking
 * (the `awsvpcTrunking` account setting, supported instance families only, not t3) raises that.
 */

/** Capacity of one instance type. */
export interface InstanceCapacity {
  /** vCPUs (1024 CPU units each). */
  readonly vcpus: number;
  /** Memory, in MiB. */
  readonly memoryMiB: number;
  /** Network interfaces the instance can attach (EC2 "maximum network interfaces"), the primary one included. */
  readonly maxEnis: number;
  /** awsvpc tasks per instance with ENI trunking on; undefined when the type does not support trunking. */
  readonly trunkedTaskEnis?: number;
}

/**
 * The instance types this library has numbers for: ENIs from the EC2 documentation ("Maximum IP
 * addresses per network interface"), trunked task ENIs from the ECS developer guide ("Supported
 * Amazon EC2 instance types" of ENI trunking). Add a type here before using it.
 */
export const INSTANCE_CAPACITY: Readonly<Record<string, InstanceCapacity>> = {
  't3.small': { vcpus: 2, memoryMiB: 2048, maxEnis: 3 },
  't3.medium': { vcpus: 2, memoryMiB: 4096, maxEnis: 3 },
  't3.large': { vcpus: 2, memoryMiB: 8192, maxEnis: 3 },
  't3.xlarge': { vcpus: 4, memoryMiB: 16384, maxEnis: 4 },
  'm5.large': { vcpus: 2, memoryMiB: 8192, maxEnis: 3, trunkedTaskEnis: 10 },
  'm5.xlarge': { vcpus: 4, memoryMiB: 16384, maxEnis: 4, trunkedTaskEnis: 20 },
  'm5.2xlarge': { vcpus: 8, memoryMiB: 32768, maxEnis: 4, trunkedTaskEnis: 40 },
  'c5.large': { vcpus: 2, memoryMiB: 4096, maxEnis: 3, trunkedTaskEnis: 10 },
  'c5.xlarge': { vcpus: 4, memoryMiB: 8192, maxEnis: 4, trunkedTaskEnis: 20 },
};

/** Share of an instance's memory ECS can place tasks in (the OS and the agent keep the rest). */
const SCHEDULABLE_MEMORY_SHARE = 0.9;

/** The capacity of an instance type, or an error naming the table. */
export function instanceCapacity(instanceType: string): InstanceCapacity {
  const capacity = INSTANCE_CAPACITY[instanceType];
  if (!capacity) throw new Error(`instance type "${instanceType}" has no capacity figures; add it to INSTANCE_CAPACITY (capacity.ts): known types are ${Object.keys(INSTANCE_CAPACITY).join(', ')}`);
  return capacity;
}

/** What one instance of a type offers to awsvpc tasks. */
export function tasksCapacityOf(instanceType: string, eniTrunking: boolean): { tasks: number; cpu: number; memoryMiB: number } {
  const capacity = instanceCapacity(instanceType);
  if (eniTrunking && capacity.trunkedTaskEnis === undefined) throw new Error(`instance type "${instanceType}" does not support ENI trunking; use a supported family (m5, c5...) or turn eniTrunking off`);
  return {
    tasks: eniTrunking ? capacity.trunkedTaskEnis! : capacity.maxEnis - 1,
    cpu: capacity.vcpus * 1024,
    memoryMiB: Math.floor(capacity.memoryMiB * SCHEDULABLE_MEMORY_SHARE),
  };
}

/** A service's tasks at their largest count. */
export interface TaskDemand {
  /** Service name, for the error. */
  readonly name: string;
  /** Most tasks the service runs (auto scaling's maximum, or its fixed count). */
  readonly maxCount: number;
  /** CPU units per task. */
  readonly cpu: number;
  /** MiB per task. */
  readonly memory: number;
}

/** The cluster's largest size. */
export interface ClusterCapacity {
  /** EC2 instance type of the container instances. */
  readonly instanceType: string;
  /** Most container instances. */
  readonly maxInstances: number;
  /** Whether ENI trunking is on. */
  readonly eniTrunking: boolean;
}

/**
 * Throws when the services at their maximum counts, plus a rolling deployment of the largest one
 * (200% maximum: its tasks twice over), need more task ENIs, CPU or memory than the cluster's
 * maximum instances offer. Returns the totals, for the record.
 */
export function assertTasksFitCluster(cluster: ClusterCapacity, services: TaskDemand[]): { needed: { tasks: number; cpu: number; memoryMiB: number }; offered: { tasks: number; cpu: number; memoryMiB: number } } {
  const perInstance = tasksCapacityOf(cluster.instanceType, cluster.eniTrunking);
  const offered = { tasks: perInstance.tasks * cluster.maxInstances, cpu: perInstance.cpu * cluster.maxInstances, memoryMiB: perInstance.memoryMiB * cluster.maxInstances };
  const sum = (of: (s: TaskDemand) => number) => services.reduce((total, s) => total + of(s), 0);
  const largest = services.reduce<TaskDemand | undefined>((big, s) => (!big || s.maxCount * s.cpu > big.maxCount * big.cpu ? s : big), undefined);
  const surge = largest ? { tasks: largest.maxCount, cpu: largest.maxCount * largest.cpu, memoryMiB: largest.maxCount * largest.memory } : { tasks: 0, cpu: 0, memoryMiB: 0 };
  const needed = {
    tasks: sum((s) => s.maxCount) + surge.tasks,
    cpu: sum((s) => s.maxCount * s.cpu) + surge.cpu,
    memoryMiB: sum((s) => s.maxCount * s.memory) + surge.memoryMiB,
  };
  const short = (['tasks', 'cpu', 'memoryMiB'] as const).filter((k) => needed[k] > offered[k]).map((k) => `${k} ${needed[k]} > ${offered[k]}`);
  if (short.length > 0) {
    const per = `${perInstance.tasks} tasks, ${perInstance.cpu} CPU units, ${perInstance.memoryMiB} MiB`;
    throw new Error(
      `services at their maximum counts (${services.map((s) => `${s.name} ${s.maxCount}`).join(', ')}, plus a deployment of ${largest?.name ?? '-'}) do not fit ${cluster.maxInstances} × ${cluster.instanceType}${cluster.eniTrunking ? ' with ENI trunking' : ''} (${per} each): ${short.join(', ')}. ` +
        'Raise maxInstances, use a bigger or trunking-capable instance type with eniTrunking, or lower the services\' maxCount',
    );
  }
  return { needed, offered };
}
