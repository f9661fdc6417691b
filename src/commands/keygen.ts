import { keygen } from '../session/signer.js';

/** `runbook keygen`: an Ed25519 signing key, trusted in allowed_signers. */
export function keygenCommand(options: { identity?: string; force?: boolean }): void {
  const { files, identity, publicLine } = keygen(options);
  process.stdout.write(
    [
      `Signing key for ${identity}:`,
      `  private  ${files.key} (0600)`,
      `  public   ${files.pub}`,
      `  trusted  ${files.allowedSigners}`,
      '',
      publicLine,
      '',
      'Share the public line with whoever verifies your sessions; they add it to their allowed_signers.',
      '',
    ].join('\n'),
  );
}
