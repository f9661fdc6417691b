/**
 * Raw mode from the first moment, before anything slow (loading runbooks, a sandbox): keys typed now are
 * neither echoed over the screen nor lost; the terminal keeps them until the first screen reads them.
 * Node restores the terminal at exit.
 */
export function holdKeys(): void {
  if (process.stdin.isTTY && process.stdout.isTTY && !process.stdin.isRaw) process.stdin.setRawMode(true);
}
