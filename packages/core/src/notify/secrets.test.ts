import { describe, expect, it } from 'vitest';
import { InvalidError } from '../errors/index.js';
import { maskChannel, maskToken, redactSecrets, restoreSecrets } from './secrets.js';
import type { StoredChannel } from './types.js';

const gotify = (token: string): StoredChannel => ({ id: 'ch1', name: 'Gotify', type: 'gotify', enabled: true, events: [], settings: { url: 'http://gotify:8080', token } });

describe('masking', () => {
  it('shows at most the first 4 characters of a long secret and nothing of a short one', () => {
    expect(maskToken('AbCdEfGhIjKlMn')).toBe('AbCd****');
    expect(maskToken('abc123')).toBe('****');
  });

  it('masks every secret of a channel and leaves the rest', () => {
    const slack: StoredChannel = { id: 's', name: 'Slack', type: 'slack', enabled: true, events: [], settings: { webhook_url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX' } };
    expect(maskChannel(slack).settings).toEqual({ webhook_url: 'https://hooks.slack.com/****' });
    const hook: StoredChannel = {
      id: 'w',
      name: 'Hook',
      type: 'webhook',
      enabled: true,
      events: [],
      settings: { url: 'https://example.com/hook', secret: 'signing-secret-value', headers: { Authorization: 'Bearer 0123456789abcdef' } },
    };
    expect(maskChannel(hook).settings).toEqual({ url: 'https://example.com/hook', secret: 'sign****', headers: { Authorization: 'Bear****' } });
    const apprise: StoredChannel = { id: 'a', name: 'Apprise', type: 'apprise', enabled: true, events: [], settings: { url: 'http://apprise:8000', urls: 'tgram://123:abc/456, mailto://u:p@example.com' } };
    expect(maskChannel(apprise).settings).toEqual({ url: 'http://apprise:8000', urls: 'tgram://****, mailto://****' });
  });
});

describe('restoreSecrets', () => {
  it('keeps the saved secret when the masked value is sent back, and takes a new value as is', () => {
    const saved = gotify('A1b2C3d4E5f6G7');
    expect(restoreSecrets(maskChannel(saved), saved, 0).settings).toEqual(saved.settings);
    expect(restoreSecrets(gotify('new-token-value'), saved, 0).settings).toMatchObject({ token: 'new-token-value' });
  });

  it('refuses a masked value that matches no saved secret, naming the field', () => {
    expect(() => restoreSecrets(gotify('****'), undefined, 2)).toThrow(InvalidError);
    expect(() => restoreSecrets(gotify('Zzzz****'), gotify('A1b2C3d4E5f6G7'), 2)).toThrow('2.settings.token');
  });

  it('restores masked header values by header name', () => {
    const saved: StoredChannel = { id: 'w', name: 'Hook', type: 'webhook', enabled: true, events: [], settings: { url: 'https://example.com', headers: { Authorization: 'Bearer 0123456789abcdef', 'X-Team': 'ops' } } };
    const back = restoreSecrets(maskChannel(saved), saved, 0);
    expect(back.settings).toEqual(saved.settings);
  });
});

describe('redactSecrets', () => {
  it('removes secrets and their URL-encoded form from text', () => {
    const channel = gotify('tok/en+with=chars');
    const text = `POST http://gotify:8080/message?token=${encodeURIComponent('tok/en+with=chars')} failed; token tok/en+with=chars`;
    expect(redactSecrets(text, channel)).toBe('POST http://gotify:8080/message?token=**** failed; token ****');
  });
});
