import t from 'tap';
import { classifyError } from '../../src/checks/errors';

const withCode = (code: string, message = `boom ${code} 10.0.0.5:5432 db.internal`) => Object.assign(new Error(message), { code });

const cases: Array<[string, unknown, string, string]> = [
  ['refused', withCode('ECONNREFUSED'), 'refused', 'connection refused'],
  ['dns', withCode('ENOTFOUND'), 'dns', 'host name not found'],
  ['socket timeout', withCode('ETIMEDOUT'), 'timeout', 'connection timed out'],
  ['pg bad password', withCode('28P01'), 'auth', 'authentication failed'],
  ['pg no database', withCode('3D000'), 'other', 'database does not exist'],
  ['pg shutting down', withCode('57P01'), 'other', 'server is shutting down'],
  ['tls code', withCode('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tls', 'TLS handshake failed (depth zero self signed cert)'],
  ['fetch wraps the cause', Object.assign(new TypeError('fetch failed'), { cause: withCode('ECONNREFUSED') }), 'refused', 'connection refused'],
  ['aggregate error', Object.assign(new Error(''), { errors: [withCode('ECONNREFUSED')] }), 'refused', 'connection refused'],
  ['abort', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'timeout', 'timed out'],
  ['redis auth', new Error('WRONGPASS invalid username-password pair'), 'auth', 'authentication failed'],
  ['redis noauth', new Error('NOAUTH Authentication required.'), 'auth', 'authentication failed'],
  ['unknown code', withCode('EWHATEVER'), 'other', 'unexpected error (EWHATEVER)'],
  ['plain error', new Error('something at db.internal:5432 failed'), 'other', 'unexpected error'],
  ['not an error', 'a string', 'other', 'unexpected error'],
  ['null', null, 'other', 'unexpected error'],
];

for (const [name, err, kind, sentence] of cases) {
  t.test(name, async (t) => {
    const c = classifyError(err);
    t.equal(c.errorKind, kind);
    t.equal(c.error, sentence);
    t.notMatch(c.error, /10\.0\.0\.5|db\.internal|5432/, 'never a host or port');
  });
}
