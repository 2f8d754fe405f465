import { render, screen } from '@testing-library/react';
import { SlackMrkdwn } from './SlackMrkdwn';

function renderMrkdwn(text: string) {
  return render(
    <div data-testid="message">
      <SlackMrkdwn text={text} />
    </div>,
  ).getByTestId('message');
}

describe('SlackMrkdwn', () => {
  it('renders bold, italic, strike and code as elements', () => {
    const message = renderMrkdwn('*Rolled back* _soon_ ~old~ `1.42.0`');

    expect(message.querySelector('strong')).toHaveTextContent('Rolled back');
    expect(message.querySelector('em')).toHaveTextContent('soon');
    expect(message.querySelector('s')).toHaveTextContent('old');
    expect(message.querySelector('code')).toHaveTextContent('1.42.0');
    expect(message).toHaveTextContent('Rolled back soon old 1.42.0');
  });

  it('opens http(s) links in a new tab without an opener', () => {
    renderMrkdwn('<https://backstage.example.com/r/1|Release page>');

    const link = screen.getByRole('link', { name: 'Release page' });
    expect(link).toHaveAttribute('href', 'https://backstage.example.com/r/1');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
  });

  it('shows mentions as chips, not links', () => {
    const message = renderMrkdwn('*On-call*\n<!subteam^S0123ABCDE>');

    const mention = screen.getByText('@S0123ABCDE');
    expect(mention).toHaveAttribute('title', 'Slack user group S0123ABCDE');
    expect(message.querySelector('a')).toBeNull();
  });

  it('puts each line and each bullet on its own line', () => {
    const message = renderMrkdwn('*Changes*\n• one\n• two');

    const lines = Array.from(message.children).map(el => el.textContent);
    expect(lines).toEqual(['Changes', '• one', '• two']);
  });

  it('shows Slack dates in UTC', () => {
    renderMrkdwn(
      '<!date^1795774200^{date_short_pretty} {time}|2026-11-27T10:10:00.000Z>',
    );

    expect(screen.getByText('2026-11-27 10:10 UTC')).toHaveAttribute(
      'datetime',
      '2026-11-27T10:10:00.000Z',
    );
  });

  it.each([
    ['&lt;!channel&gt; deploy now', '<!channel> deploy now'],
    [
      '&lt;https://evil.example|click me&gt;',
      '<https://evil.example|click me>',
    ],
    ['&lt;@U123&gt; &lt;!subteam^S1&gt;', '<@U123> <!subteam^S1>'],
    ['&amp;lt;!here&amp;gt;', '&lt;!here&gt;'],
    ['<script>alert(1)</script>', '<script>alert(1)</script>'],
    ['<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
    ['<javascript:alert(1)|click>', 'click'],
    ['<data:text/html,hi|open>', 'open'],
  ])(
    'shows hostile %j as the literal text %j, with no link, mention or markup',
    (input, shown) => {
      const message = renderMrkdwn(input);

      expect(message.textContent).toBe(shown);
      expect(message.querySelector('a, script, img, [title]')).toBeNull();
    },
  );
});
