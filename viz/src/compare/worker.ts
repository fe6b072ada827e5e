/**
 * The Web Worker of the comparison page: runs what the page asks (compareRun.ts) and posts
 * what it finds as it goes.
 */
import { type CompareMessage, compareInto, type CompareRequest } from './compareRun.js';

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<CompareRequest>) => void) | null;
  postMessage(m: CompareMessage): void;
};
scope.onmessage = (e) => {
  const post = (m: CompareMessage) => scope.postMessage(m);
  try {
    compareInto(e.data, post);
  } catch (error) {
    post({ type: 'error', message: (error as Error).message });
  }
};
