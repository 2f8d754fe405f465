import { mockServices } from '@backstage/backend-test-utils';
import type {
  DrainPartition,
  DrainResult,
  ProjectionQueue,
  ProjectionQueueStatus,
} from './projectionQueue';
import { ProjectionDrainWorker } from './ProjectionDrainWorker';

/** A queue whose drains and status the test scripts; the worker is what is tested. */
function scriptedQueue() {
  const drains: Array<DrainResult | Error> = [];
  let status: ProjectionQueueStatus = {
    pendingSubjects: 0,
    pendingEvents: 0,
    retrying: 0,
    lagMs: 0,
  };
  let calls = 0;
  const partitions: Array<DrainPartition | undefined> = [];
  const queue = {
    async drainOnce(partition?: DrainPartition): Promise<DrainResult> {
      calls++;
      partitions.push(partition);
      const next = drains.shift() ?? { subjects: 0, events: 0, failed: 0 };
      if (next instanceof Error) throw next;
      return next;
    },
    async status() {
      return status;
    },
  } as unknown as ProjectionQueue;
  return {
    queue,
    drains,
    setStatus: (s: Partial<ProjectionQueueStatus>) => {
      status = { ...status, ...s };
    },
    calls: () => calls,
    partitions,
  };
}

const until = async (condition: () => boolean) => {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition never held');
    await new Promise(r => setTimeout(r, 5));
  }
};

describe('ProjectionDrainWorker', () => {
  it('runs one drain per share of the queue with concurrency, and a commit wakes them all', async () => {
    const q = scriptedQueue();
    const worker = new ProjectionDrainWorker({
      queue: q.queue,
      logger: mockServices.logger.mock(),
      pollMs: 60_000,
      concurrency: 2,
    });
    worker.start();
    await until(() => q.calls() === 2);
    expect(q.partitions).toEqual(
      expect.arrayContaining([
        { index: 0, count: 2 },
        { index: 1, count: 2 },
      ]),
    );
    // Both sleep for a minute; one commit wakes both.
    worker.wake();
    await until(() => q.calls() === 4);
    expect(q.partitions.slice(2)).toEqual(
      expect.arrayContaining([
        { index: 0, count: 2 },
        { index: 1, count: 2 },
      ]),
    );
    await worker.stop();
  });

  it('drains again at once while there is work, and tells listeners after each drain that projected something', async () => {
    const q = scriptedQueue();
    q.drains.push(
      { subjects: 2, events: 5, failed: 0 },
      { subjects: 1, events: 1, failed: 0 },
    );
    const worker = new ProjectionDrainWorker({
      queue: q.queue,
      logger: mockServices.logger.mock(),
      pollMs: 60_000,
    });
    const drained = jest.fn();
    worker.onDrained(drained);
    worker.start();
    // Two busy passes, then one empty pass before it sleeps for a minute.
    await until(() => q.calls() === 3);
    expect(drained).toHaveBeenCalledTimes(2);

    // A commit wakes it long before the poll.
    q.drains.push({ subjects: 1, events: 3, failed: 0 });
    worker.wake();
    await until(() => drained.mock.calls.length === 3);
    await worker.stop();
  });

  it('keeps going when a drain throws (the database is away) and logs it', async () => {
    const q = scriptedQueue();
    q.drains.push(new Error('connection refused'), {
      subjects: 1,
      events: 1,
      failed: 0,
    });
    const logger = mockServices.logger.mock();
    const worker = new ProjectionDrainWorker({
      queue: q.queue,
      logger,
      pollMs: 10,
    });
    const drained = jest.fn();
    worker.onDrained(drained);
    worker.start();
    await until(() => drained.mock.calls.length === 1);
    await worker.stop();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'draining projections failed: Error: connection refused',
      ),
    );
  });

  it('warns while the lag is over the threshold, at most every 10 s, and says when it caught up', async () => {
    const q = scriptedQueue();
    let now = Date.UTC(2026, 11, 3, 12);
    const logger = mockServices.logger.mock();
    const worker = new ProjectionDrainWorker({
      queue: q.queue,
      logger,
      pollMs: 5,
      lagWarningMs: 30_000,
      clock: () => now,
    });
    q.setStatus({
      lagMs: 45_000,
      pendingEvents: 12,
      pendingSubjects: 3,
      retrying: 1,
    });
    worker.start();
    await until(() => logger.warn.mock.calls.length === 1);
    expect(logger.warn.mock.calls[0][0]).toBe(
      'release-ledger: deferred projections are 45 s behind (12 events of 3 releases/incidents pending, 1 retrying); metrics and Slack messages wait for them',
    );
    // Many passes within the same 10 s: no second warning.
    const passes = q.calls();
    await until(() => q.calls() > passes + 5);
    expect(logger.warn).toHaveBeenCalledTimes(1);

    now += 10_000;
    await until(() => logger.warn.mock.calls.length === 2);

    q.setStatus({
      lagMs: 200,
      pendingEvents: 0,
      pendingSubjects: 0,
      retrying: 0,
    });
    now += 10_000;
    await until(() => logger.info.mock.calls.length === 1);
    expect(logger.info.mock.calls[0][0]).toBe(
      'release-ledger: deferred projections caught up (0 events pending)',
    );
    await worker.stop();
    expect(logger.warn).toHaveBeenCalledTimes(2);
  });

  it('logs subjects whose projectors failed', async () => {
    const q = scriptedQueue();
    q.drains.push({ subjects: 3, events: 4, failed: 1 });
    const logger = mockServices.logger.mock();
    const worker = new ProjectionDrainWorker({
      queue: q.queue,
      logger,
      pollMs: 60_000,
    });
    worker.start();
    await until(() => q.calls() >= 2);
    await worker.stop();
    expect(logger.warn).toHaveBeenCalledWith(
      'release-ledger: the deferred projectors failed for 1 subject(s); they are retried with backoff (GET /ledger/status)',
    );
  });
});
