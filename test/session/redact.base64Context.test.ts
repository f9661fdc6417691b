// Random base64 (a certificate, a dump, `head -c … /dev/urandom | base64`) holds every four-letter run
// somewhere; a token prefix inside it, right after a `+`, is part of the blob, not a token. The same shape
// standing alone, or after `=`, `:` or a space, is still one.
import { describe, expect, it } from 'vitest';
import { redactString } from '../../src/session/redact.js';

const BITBUCKET = 'ATBB' + 'QnRxvBF71SVuGKxkhid2h1lBHeI04Ph8';

describe('token shapes inside base64', () => {
  it('a prefix right after a + inside a base64 line is left alone', () => {
    const line = `uNN1yKFqNM95vHK66TsqMnGBnnQ7J+${BITBUCKET}wDiE/qEs5ssBnDnpvAubk5LaWvO3xaL6cs`;
    expect(redactString(line).text).toBe(line);
  });

  it.each([`BITBUCKET_APP_PASSWORD=${BITBUCKET}`, `password: ${BITBUCKET}`, `"${BITBUCKET}"`, BITBUCKET])('%s is still redacted', (text) => {
    expect(redactString(text).text).not.toContain(BITBUCKET.slice(4, 20));
  });
});
