import { canaryWindow } from './replayGate';

const now = new Date('2024-06-03T13:00:00.000Z');

describe('canaryWindow', () => {
  it.each`
    release                                                                                                                  | window
    ${{}}                                                                                                                    | ${undefined}
    ${{ canaryStartedAt: '2024-06-03T12:00:00Z', promotedAt: '2024-06-03T12:20:00Z' }}                                       | ${{ start: '2024-06-03T12:00:00.000Z', end: '2024-06-03T12:20:00.000Z', ongoing: false }}
    ${{ canaryStartedAt: '2024-06-03T12:00:00Z', rolledBackAt: '2024-06-03T12:07:00Z', finishedAt: '2024-06-03T12:30:00Z' }} | ${{ start: '2024-06-03T12:00:00.000Z', end: '2024-06-03T12:07:00.000Z', ongoing: false }}
    ${{ canaryStartedAt: '2024-06-03T12:00:00Z', promotedAt: '2024-06-03T11:00:00Z' }}                                       | ${{ start: '2024-06-03T12:00:00.000Z', end: '2024-06-03T13:00:00.000Z', ongoing: true }}
    ${{ canaryStartedAt: '2024-06-03T12:00:00Z' }}                                                                           | ${{ start: '2024-06-03T12:00:00.000Z', end: '2024-06-03T13:00:00.000Z', ongoing: true }}
  `('is $window for $release', ({ release, window }) => {
    expect(canaryWindow(release, now)).toEqual(window);
  });
});
