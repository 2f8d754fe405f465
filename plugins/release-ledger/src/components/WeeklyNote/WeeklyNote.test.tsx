import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  FakeReleaseLedgerApi,
  responseError,
} from '../../__testUtils__/fakeReleaseLedgerApi';
import { renderWithApis } from '../../__testUtils__/renderWithApis';
import { utcWeekOf } from '../../utils/formatMetrics';
import { WeeklyNote } from './WeeklyNote';

const WEEK = '2026-11-23';

function withNote(
  text = 'CFR spiked: the payments migration. Fixed Thursday.',
) {
  const api = new FakeReleaseLedgerApi();
  api.notes.set(WEEK, {
    week: WEEK,
    text,
    author: 'user:default/amara',
    updatedAt: '2026-11-24T09:00:00.000Z',
  });
  return api;
}

describe('WeeklyNote', () => {
  it('shows the week’s note and its author read-only without the permission', async () => {
    const api = withNote();
    await renderWithApis(<WeeklyNote week={WEEK} />, {
      api,
      permission: 'deny',
    });

    expect(
      await screen.findByText(
        'CFR spiked: the payments migration. Fixed Thursday.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Week of Monday 2026-11-23 (UTC)'),
    ).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'amara' })).toBeInTheDocument();
    expect(api.noteCalls).toEqual([WEEK]);
    expect(
      screen.queryByRole('button', { name: /note/i }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
  });

  it('says when a week has no note, with nothing to edit without the permission', async () => {
    await renderWithApis(<WeeklyNote week={WEEK} />, {
      api: new FakeReleaseLedgerApi(),
      permission: 'deny',
    });

    expect(
      await screen.findByText('No note for this week yet.'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Write a note' }),
    ).not.toBeInTheDocument();
  });

  it('lets a user with the permission edit and save the note', async () => {
    const api = withNote('Old text');
    await renderWithApis(<WeeklyNote week={WEEK} />, { api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Edit note' }),
    );
    const textbox = screen.getByRole('textbox', {
      name: 'Note for the week of 2026-11-23',
    });
    expect(textbox).toHaveValue('Old text');
    await userEvent.clear(textbox);
    await userEvent.type(textbox, 'Two rollbacks in checkout; both fixed.');
    await userEvent.click(screen.getByRole('button', { name: 'Save note' }));

    expect(
      await screen.findByText('Two rollbacks in checkout; both fixed.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('textbox')).not.toBeInTheDocument();
    expect(api.savedNotes).toEqual([
      { week: WEEK, text: 'Two rollbacks in checkout; both fixed.' },
    ]);
  });

  it('lets a user with the permission write the first note of the week', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderWithApis(<WeeklyNote week={WEEK} />, { api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Write a note' }),
    );
    const save = screen.getByRole('button', { name: 'Save note' });
    expect(save).toBeDisabled();
    await userEvent.type(screen.getByRole('textbox'), 'Quiet week.');
    await userEvent.click(save);

    expect(await screen.findByText('Quiet week.')).toBeInTheDocument();
    expect(api.savedNotes).toEqual([{ week: WEEK, text: 'Quiet week.' }]);
  });

  it('keeps the draft and explains a refused save', async () => {
    const api = withNote('Old text');
    api.saveNoteError = await responseError(
      403,
      'NotAllowedError',
      'not allowed',
    );
    await renderWithApis(<WeeklyNote week={WEEK} />, { api });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Edit note' }),
    );
    await userEvent.type(screen.getByRole('textbox'), ' and more');
    await userEvent.click(screen.getByRole('button', { name: 'Save note' }));

    expect(
      await screen.findByText('You are not allowed to edit the weekly note.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('textbox')).toHaveValue('Old text and more');

    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.getByText('Old text')).toBeInTheDocument();
  });

  it('defaults to the current UTC week', async () => {
    const api = new FakeReleaseLedgerApi();
    await renderWithApis(<WeeklyNote />, { api });

    await waitFor(() => expect(api.noteCalls).toEqual([utcWeekOf()]));
    expect(utcWeekOf()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new Date(`${utcWeekOf()}T00:00:00Z`).getUTCDay()).toBe(1);
  });

  it('explains when the note cannot be loaded', async () => {
    const api = new FakeReleaseLedgerApi();
    jest
      .spyOn(api, 'getWeeklyNote')
      .mockRejectedValue(
        await responseError(500, 'Error', 'database is locked'),
      );
    await renderWithApis(<WeeklyNote week={WEEK} />, { api });

    expect(
      await screen.findByText('Could not load the note: database is locked'),
    ).toBeInTheDocument();
  });
});
