/**
 * Signed mail made and verified at test time with the machine's own tools: S/MIME with `openssl smime`
 * (detached multipart/signed, and opaque application/pkcs7-mime), PGP/MIME (RFC 3156) with `gpg`, each
 * key made fresh in a temporary folder.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { toCrlf } from './helpers';

/** The signed content: a text part and an attachment. */
export const SIGNED_CONTENT = Buffer.from([
  'Content-Type: multipart/mixed; boundary="in"', '', '--in', 'Content-Type: text/plain; charset=us-ascii', '', 'The signed text.', '--in',
  'Content-Type: application/x-msdownload; name="signed.exe"', 'Content-Disposition: attachment; filename="signed.exe"', 'Content-Transfer-Encoding: base64', '',
  'TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=', '--in--', ''].join('\r\n'));

// openssl writes its own MIME-Version.
const HEAD = 'From: a@example.org\r\nTo: b@example.com\r\nDate: Mon, 23 Nov 2026 10:00:00 +0000\r\nSubject: signed\r\n';

export class Signer {
  private readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mime-sign-'));
  private readonly env = { ...process.env, GNUPGHOME: path.join(this.dir, 'gpg') };

  constructor() {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', this.file('key.pem'), '-out', this.file('cert.pem'), '-days', '2', '-subj', '/CN=mime-test'], { stdio: 'ignore' });
    fs.mkdirSync(this.env.GNUPGHOME, { mode: 0o700 });
    execFileSync('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'mime-test@example.org', 'ed25519', 'sign', '1d'], { env: this.env, stdio: 'ignore' });
  }

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  /** multipart/signed, protocol application/pkcs7-signature (openssl writes x-pkcs7-signature). */
  public smimeDetached(content = SIGNED_CONTENT): Buffer {
    fs.writeFileSync(this.file('content'), content);
    execFileSync('openssl', ['smime', '-sign', '-in', this.file('content'), '-signer', this.file('cert.pem'), '-inkey', this.file('key.pem'), '-out', this.file('out')]);
    return Buffer.concat([Buffer.from(HEAD), toCrlf(fs.readFileSync(this.file('out')))]);
  }

  /** application/pkcs7-mime; smime-type=signed-data: the content inside the signature, opaque. */
  public smimeOpaque(content = SIGNED_CONTENT): Buffer {
    fs.writeFileSync(this.file('content'), content);
    execFileSync('openssl', ['smime', '-sign', '-nodetach', '-in', this.file('content'), '-signer', this.file('cert.pem'), '-inkey', this.file('key.pem'), '-out', this.file('out')]);
    return Buffer.concat([Buffer.from(HEAD), toCrlf(fs.readFileSync(this.file('out')))]);
  }

  /** PGP/MIME (RFC 3156): the first part signed, the second an armoured detached signature. */
  public pgp(content = SIGNED_CONTENT): Buffer {
    fs.writeFileSync(this.file('content'), content);
    execFileSync('gpg', ['--batch', '--yes', '--armor', '--digest-algo', 'SHA256', '--detach-sign', '-o', this.file('sig.asc'), this.file('content')], { env: this.env, stdio: 'ignore' });
    const sig = fs.readFileSync(this.file('sig.asc'), 'latin1').replace(/\r?\n/g, '\r\n');
    return Buffer.concat([Buffer.from(`${HEAD}MIME-Version: 1.0\r\nContent-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="sig"\r\n\r\n--sig\r\n`), content,
      Buffer.from(`\r\n--sig\r\nContent-Type: application/pgp-signature; name="signature.asc"\r\nContent-Disposition: attachment; filename="signature.asc"\r\n\r\n${sig}\r\n--sig--\r\n`)]);
  }

  /** Whether openssl verifies the S/MIME entity (the signature, not the self-signed certificate's chain). */
  public smimeValid(entity: Buffer): boolean {
    fs.writeFileSync(this.file('check'), entity);
    try {
      execFileSync('openssl', ['smime', '-verify', '-noverify', '-in', this.file('check'), '-out', this.file('verified')], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  /** Whether gpg verifies a PGP/MIME multipart/signed entity: its first part against its signature part. */
  public pgpValid(entity: Buffer): boolean {
    const text = entity.toString('latin1');
    const boundary = /boundary="([^"]+)"/.exec(text)![1];
    const open = text.indexOf(`--${boundary}\r\n`, text.indexOf('\r\n\r\n')) + boundary.length + 4;
    const close = text.indexOf(`\r\n--${boundary}\r\n`, open);
    const first = text.slice(open, close);
    const sig = text.slice(text.indexOf('-----BEGIN PGP SIGNATURE', close), text.indexOf('-----END PGP SIGNATURE-----', close) + 27);
    fs.writeFileSync(this.file('signed'), Buffer.from(first, 'latin1'));
    fs.writeFileSync(this.file('sig'), sig);
    try {
      execFileSync('gpg', ['--batch', '--verify', this.file('sig'), this.file('signed')], { env: this.env, stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }

  public cleanup(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The original content of a message wrapped by `addDisclaimer({ signed: 'wrap' })`: its second part, headers included. */
export function unwrap(mime: Buffer): Buffer {
  const text = mime.toString('latin1');
  const boundary = /boundary="(=_disclaimer_[0-9a-f]+)"/.exec(text)![1];
  const start = text.lastIndexOf(`\r\n--${boundary}\r\n`) + boundary.length + 6;
  const end = text.lastIndexOf(`\r\n--${boundary}--`);
  return Buffer.from(`MIME-Version: 1.0\r\n${text.slice(start, end)}`, 'latin1');
}
