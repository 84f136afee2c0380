/** Git in a test's own repository, which the test trusts: commit everything in its main working tree. */
import { commitAll, mainCheckout, openRepository } from '../../src/worker/git.ts';

export async function commitRepo(repo: string, message: string): Promise<string | null> {
  return commitAll(mainCheckout(await openRepository(repo)), message);
}
