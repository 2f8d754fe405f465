import { existsSync } from 'node:fs';
import { prometheusAvailable } from './PrometheusServer';

jest.mock('node:fs', () => ({
  ...jest.requireActual('node:fs'),
  existsSync: jest.fn(),
}));

describe('prometheusAvailable', () => {
  const required = process.env.RELEASE_LEDGER_REQUIRE_PROMETHEUS;
  afterEach(() => {
    if (required === undefined) {
      delete process.env.RELEASE_LEDGER_REQUIRE_PROMETHEUS;
    } else {
      process.env.RELEASE_LEDGER_REQUIRE_PROMETHEUS = required;
    }
    jest.restoreAllMocks();
  });

  it('fails the run when Prometheus is required and missing', () => {
    jest.mocked(existsSync).mockReturnValue(false);
    process.env.RELEASE_LEDGER_REQUIRE_PROMETHEUS = '1';
    expect(() => prometheusAvailable()).toThrow(
      'RELEASE_LEDGER_REQUIRE_PROMETHEUS=1 but /usr/bin/prometheus or /usr/bin/promtool is missing',
    );
  });

  it('skips with a message otherwise', () => {
    jest.mocked(existsSync).mockReturnValue(false);
    delete process.env.RELEASE_LEDGER_REQUIRE_PROMETHEUS;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    expect(prometheusAvailable()).toBe(false);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('Skipping the real-Prometheus tests'),
    );
  });

  it('runs the suites when both binaries are there', () => {
    jest.mocked(existsSync).mockReturnValue(true);
    process.env.RELEASE_LEDGER_REQUIRE_PROMETHEUS = '1';
    expect(prometheusAvailable()).toBe(true);
  });
});
