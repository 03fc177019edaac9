import { assertTasksFitCluster, tasksCapacityOf } from '../src/capacity.js';

// Prod's services at their maximum counts (infra/prod/config.ts).
const prodServices = [
  { name: 'frontend', maxCount: 9, cpu: 512, memory: 1024 },
  { name: 'beacon', maxCount: 6, cpu: 256, memory: 512 },
  { name: 'worker', maxCount: 4, cpu: 512, memory: 1024 },
];

describe('capacity', () => {
  it('counts the task ENIs an instance offers: its ENIs minus the primary one, or the trunked figure', () => {
    expect(tasksCapacityOf('t3.large', false)).toEqual({ tasks: 2, cpu: 2048, memoryMiB: 7372 });
    expect(tasksCapacityOf('m5.large', true).tasks).toBe(10);
  });

  it('refuses the former prod sizing: 9 × t3.large hold 18 awsvpc tasks, not 19 (and a deployment)', () => {
    expect(() => assertTasksFitCluster({ instanceType: 't3.large', maxInstances: 9, eniTrunking: false }, prodServices))
      .toThrow(/do not fit 9 × t3\.large \(2 tasks, 2048 CPU units, 7372 MiB each\): tasks 28 > 18/);
  });

  it('accepts prod as configured: 9 × m5.large with ENI trunking', () => {
    expect(assertTasksFitCluster({ instanceType: 'm5.large', maxInstances: 9, eniTrunking: true }, prodServices)).toEqual({
      needed: { tasks: 28, cpu: 12800, memoryMiB: 25600 },
      offered: { tasks: 90, cpu: 18432, memoryMiB: 66348 },
    });
  });

  it('accepts stage: three single tasks and a deployment on 3 × t3.medium', () => {
    const stage = ['frontend', 'beacon', 'worker'].map((name) => ({ name, maxCount: 1, cpu: 256, memory: 512 }));
    expect(assertTasksFitCluster({ instanceType: 't3.medium', maxInstances: 3, eniTrunking: false }, stage).needed.tasks).toBe(4);
  });

  it('counts CPU and memory too, not only ENIs', () => {
    expect(() => assertTasksFitCluster({ instanceType: 'm5.large', maxInstances: 2, eniTrunking: true }, prodServices)).toThrow(/cpu 12800 > 4096, memoryMiB 25600 > 14744/);
  });

  it('refuses trunking on types without it and types it has no figures for', () => {
    expect(() => tasksCapacityOf('t3.large', true)).toThrow(/does not support ENI trunking/);
    expect(() => tasksCapacityOf('x9.huge', false)).toThrow(/add it to INSTANCE_CAPACITY/);
  });
});
