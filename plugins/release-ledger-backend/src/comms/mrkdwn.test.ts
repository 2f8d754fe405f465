import { bold, code, escapeText, link, truncate } from './mrkdwn';

describe('escapeText', () => {
  it.each([
    ['<!channel> deploy done', '&lt;!channel&gt; deploy done'],
    ['<!here|here>', '&lt;!here|here&gt;'],
    ['<https://evil.example|click>', '&lt;https://evil.example|click&gt;'],
    ['<@U024BE7LH> please look', '&lt;@U024BE7LH&gt; please look'],
    ['<!subteam^S123>', '&lt;!subteam^S123&gt;'],
    ['fish & chips &amp; more', 'fish &amp; chips &amp;amp; more'],
    ['a > b < c', 'a &gt; b &lt; c'],
  ])('neutralises %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
    // Whatever comes in, no raw angle bracket can reach Slack.
    expect(escapeText(input)).not.toMatch(/[<>]/);
  });
});

describe('link, code and bold', () => {
  it('escapes the label of a link and keeps the URL from closing the link', () => {
    expect(link('https://backstage.example/x?a=1|2', '<!channel> & co')).toBe(
      '<https://backstage.example/x?a=1%7C2|&lt;!channel&gt; &amp; co>',
    );
  });

  it('links only http(s) URLs', () => {
    // eslint-disable-next-line no-script-url
    expect(link('javascript:alert(1)', 'PR #1')).toBe('PR #1');
    expect(link('slack://channel?id=C1', 'open')).toBe('open');
    expect(link('HTTPS://ok.example', 'ok')).toBe('<HTTPS://ok.example|ok>');
  });

  it('keeps code and bold from ending early', () => {
    expect(code('rm `-rf` <x>')).toBe('`rm ˋ-rfˋ &lt;x&gt;`');
    expect(bold('*urgent* & <b>')).toBe('*∗urgent∗ &amp; &lt;b&gt;*');
  });
});

describe('truncate', () => {
  it('leaves short text alone', () => {
    expect(truncate('short', 10)).toBe('short');
  });

  it('fits within the limit, suffix included', () => {
    const out = truncate('x'.repeat(5000), 3000, ' <https://r|more>');
    expect(out.length).toBeLessThanOrEqual(3000);
    expect(out.endsWith('… <https://r|more>')).toBe(true);
  });

  it('never cuts an entity or a link in half', () => {
    const text = `${'a'.repeat(8)}&amp;bbbb`;
    expect(truncate(text, 11)).toBe(`${'a'.repeat(8)}…`);
    const withLink = `${'a'.repeat(5)}<https://x.example|label>`;
    expect(truncate(withLink, 15)).toBe(`${'a'.repeat(5)}…`);
  });
});
