import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { releaseLedgerPlugin } from '../plugin';
import { dependencyOutage } from './dependencyOutage';

const withCode = (message: string, code: string) =>
  Object.assign(new Error(message), { code });

describe('dependencyOutage', () => {
  it.each([
    [
      withCode('terminating connection due to administrator command', '57P01'),
      'database',
    ],
    [withCode('the database system is starting up', '57P03'), 'database'],
    [withCode('sorry, too many clients already', '53300'), 'database'],
    [withCode('connection failure', '08006'), 'database'],
    [withCode('database is locked', 'SQLITE_BUSY'), 'database'],
    [
      Object.assign(new Error('Knex: Timeout acquiring a connection'), {
        name: 'KnexTimeoutError',
      }),
      'database',
    ],
    [new Error('Connection terminated unexpectedly'), 'database'],
    [
      withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'),
      'service',
    ],
    [
      Object.assign(new TypeError('fetch failed'), {
        cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED'),
      }),
      'service',
    ],
    [
      Object.assign(new Error('Request failed with 503'), {
        name: 'ResponseError',
        statusCode: 503,
      }),
      'service',
    ],
  ])('%p is an outage of %p', (error, expected) => {
    expect(dependencyOutage(error)).toBe(expected);
  });

  it.each([
    [new Error('boom')],
    [withCode('duplicate key value violates unique constraint', '23505')],
    [withCode('syntax error at or near', '42601')],
    [
      Object.assign(new Error('Not found'), {
        name: 'ResponseError',
        statusCode: 404,
      }),
    ],
    [new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a string'],
    [undefined],
  ])('%p is not an outage', error => {
    expect(dependencyOutage(error)).toBeUndefined();
  });
});

describe('error answers of the running plugin', () => {
  const originalEnv = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = originalEnv;
  });

  async function startWithCatalog(getEntitiesByRefs: () => Promise<never>) {
    const { server } = await startTestBackend({
      features: [
        releaseLedgerPlugin,
        mockServices.database.factory(),
        catalogServiceMock.mock({ getEntitiesByRefs }).factory,
      ],
    });
    return (body: object) =>
      request(server)
        .post('/api/release-ledger/events')
        .set('Authorization', mockCredentials.service.header())
        .send(body);
  }

  const event = {
    type: 'release_started',
    releaseId: 'payments-api@outage',
    entityRef: 'component:default/payments-api',
    timestamp: '2026-11-27T10:00:00Z',
  };

  it('answers 503 with Retry-After when the catalog is away', async () => {
    const post = await startWithCatalog(async () => {
      throw Object.assign(new TypeError('fetch failed'), {
        cause: withCode('connect ECONNREFUSED 127.0.0.1:7007', 'ECONNREFUSED'),
      });
    });
    const res = await post(event);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body.error.message).toBe(
      'a service the ledger calls (e.g. the catalog) is briefly unavailable; retry in 5 s',
    );
  });

  it('answers 503 when the catalog answers 5xx', async () => {
    const post = await startWithCatalog(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({ error: { name: 'Error', message: 'down' } }),
          {
            status: 502,
            statusText: 'Bad Gateway',
            headers: { 'Content-Type': 'application/json' },
          },
        ) as any,
      );
    });
    const res = await post(event);
    expect(res.status).toBe(503);
  });

  it.each([
    ['production', false],
    ['development', true],
  ])(
    'with NODE_ENV=%s a 500 includes a stack trace: %p',
    async (env, showsStack) => {
      process.env.NODE_ENV = env;
      const post = await startWithCatalog(async () => {
        throw new Error('unexpected catalog answer');
      });
      const res = await post(event);
      expect(res.status).toBe(500);
      expect(res.body.error.message).toBe('unexpected catalog answer');
      expect(res.body.error.stack !== undefined).toBe(showsStack);
      expect(JSON.stringify(res.body).includes('    at ')).toBe(showsStack);
    },
  );
});
