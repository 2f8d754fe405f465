import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { SkippedChecklistItem } from '@release-ledger/plugin-release-ledger-common';
import {
  FakeReleaseLedgerApi,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import {
  paymentsApi,
  renderWithApis,
} from '../../__testUtils__/renderWithApis';
import {
  EntitySkippedChecklistCard,
  type EntitySkippedChecklistCardProps,
} from './EntitySkippedChecklistCard';

function item(
  overrides: Partial<SkippedChecklistItem> & { text: string },
): SkippedChecklistItem {
  return {
    id: `pre.${overrides.text.toLocaleLowerCase('en-US').replace(/\W+/g, '-')}`,
    phase: 'pre',
    required: false,
    skipped: 1,
    of: 4,
    ...overrides,
  };
}

// In the backend's order: most skipped first, required before optional.
const announce = item({
  text: 'Announce the release in #releases',
  phase: 'post',
  skipped: 3,
  of: 4,
});
const flags = item({
  text: 'Confirm feature flags default OFF for risky paths',
  phase: 'pre',
  required: true,
  skipped: 2,
  of: 4,
});
const dashboards = item({
  text: 'Watch the dashboards for 15 minutes',
  phase: 'during',
  skipped: 1,
  of: 3,
});

function renderCard(
  api: FakeReleaseLedgerApi,
  props: EntitySkippedChecklistCardProps = {},
) {
  return renderWithApis(<EntitySkippedChecklistCard {...props} />, {
    api,
    entity: {
      ...paymentsApi,
      // The ledger stores refs in lower case, whatever the catalog's case.
      metadata: { ...paymentsApi.metadata, name: 'Payments-API' },
    },
  });
}

function shownItems() {
  const list = screen.getByRole('list', { name: 'Skipped checklist items' });
  return within(list).getAllByRole('listitem');
}

describe('EntitySkippedChecklistCard', () => {
  it('lists the skipped items in the backend’s order, with phase, required marker and share', async () => {
    const api = new FakeReleaseLedgerApi();
    api.skippedChecklistItems = {
      entityRef: 'component:default/payments-api',
      releases: 4,
      items: [announce, flags, dashboards],
    };
    await renderCard(api);

    expect(
      await screen.findByText('Checklist items most often skipped'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Over the last 4 finished releases with a checklist'),
    ).toBeInTheDocument();
    const [first, second, third] = shownItems();
    expect(shownItems()).toHaveLength(3);

    expect(first).toHaveTextContent('Announce the release in #releases');
    expect(within(first).getByText('Post-release')).toBeInTheDocument();
    expect(within(first).queryByText('required')).not.toBeInTheDocument();
    expect(first).toHaveTextContent('skipped in 3 of 4 releases (75%)');
    expect(
      within(first).getByRole('progressbar', {
        name: 'skipped in 3 of 4 releases',
      }),
    ).toHaveAttribute('aria-valuenow', '75');

    expect(second).toHaveTextContent(
      'Confirm feature flags default OFF for risky paths',
    );
    expect(within(second).getByText('Pre-release')).toBeInTheDocument();
    expect(within(second).getByText('required')).toBeInTheDocument();
    expect(second).toHaveTextContent('skipped in 2 of 4 releases (50%)');

    expect(third).toHaveTextContent('Watch the dashboards for 15 minutes');
    expect(within(third).getByText('During release')).toBeInTheDocument();
    expect(third).toHaveTextContent('skipped in 1 of 3 releases (33%)');

    expect(api.skippedCalls).toEqual([
      { entityRef: 'component:default/payments-api', releases: 20 },
    ]);
  });

  it('shows the first items and the rest on request', async () => {
    const api = new FakeReleaseLedgerApi();
    api.skippedChecklistItems = {
      entityRef: 'component:default/payments-api',
      releases: 4,
      items: [announce, flags, dashboards],
    };
    await renderCard(api, { maxItems: 2, releases: 50 });

    await screen.findByRole('list', { name: 'Skipped checklist items' });
    expect(
      shownItems().map(li => li.querySelector('span')?.textContent),
    ).toEqual([announce.text, flags.text]);

    await userEvent.click(
      screen.getByRole('button', { name: 'Show all 3 items' }),
    );

    expect(shownItems()).toHaveLength(3);
    expect(
      screen.queryByRole('button', { name: /Show all/ }),
    ).not.toBeInTheDocument();
    expect(api.skippedCalls[0].releases).toBe(50);
  });

  it('says one release in the singular', async () => {
    const api = new FakeReleaseLedgerApi();
    api.skippedChecklistItems = {
      entityRef: 'component:default/payments-api',
      releases: 1,
      items: [item({ text: 'Tag the release', skipped: 1, of: 1 })],
    };
    await renderCard(api);

    expect(
      await screen.findByText(
        'Over the last finished release with a checklist',
      ),
    ).toBeInTheDocument();
    expect(shownItems()[0]).toHaveTextContent(
      'skipped in 1 of 1 release (100%)',
    );
  });

  it('explains where checklists come from before any release with one finished', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderCard(api);

    expect(
      await screen.findByText('No finished release with a checklist yet'),
    ).toBeInTheDocument();
    expect(screen.getByText('RELEASE_CHECKLIST.md')).toBeInTheDocument();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
    expect(screen.queryByText(/^Over the last/)).not.toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'Skipped checklist items' }),
    ).not.toBeInTheDocument();
  });

  it('says so when every item was ticked', async () => {
    const api = new FakeReleaseLedgerApi();
    api.skippedChecklistItems = {
      entityRef: 'component:default/payments-api',
      releases: 6,
      items: [],
    };
    await renderCard(api);

    expect(
      await screen.findByText(
        'Every item was ticked in the last 6 finished releases',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Over the last 6 finished releases with a checklist'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('No finished release with a checklist yet'),
    ).not.toBeInTheDocument();
  });

  it('shows a progress bar while loading', async () => {
    const api = new FakeReleaseLedgerApi();
    jest
      .spyOn(api, 'getSkippedChecklistItems')
      .mockReturnValue(new Promise(() => {}));
    await renderCard(api);

    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    expect(
      screen.queryByText('No finished release with a checklist yet'),
    ).not.toBeInTheDocument();
  });

  it('explains an error with the server’s message', async () => {
    const api = new FakeReleaseLedgerApi();
    api.skippedError = await responseError(
      400,
      'InputError',
      'entityRef: must be an entity ref',
    );
    await renderCard(api);

    expect(
      await screen.findByText(
        'Error: Could not load the skipped checklist items',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/entityRef: must be an entity ref/).length,
    ).toBeGreaterThan(0);
    expect(
      screen.queryByText('No finished release with a checklist yet'),
    ).not.toBeInTheDocument();
  });
});
