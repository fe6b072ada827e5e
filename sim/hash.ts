/**
 * Small non-cryptographic hashes: FNV-1a over strings (disk checksums) and a 64-bit running
 * hash made of two independent 32-bit FNV lanes (the trace hash). Deterministic across Node
 * and browsers; no `crypto` needed, which keeps sim/ free of anything random.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** 32-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a(text: string, seed = FNV_OFFSET): number {
  let h = seed;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME);
  }
  return h >>> 0;
}

/** A running 64-bit hash fed integers and strings, two FNV-1a lanes with different seeds. */
export class RunningHash {
  private a = FNV_OFFSET;
  private b = 0x84222325;

  /** Mixes a 32-bit integer (or the low and high parts of a larger safe integer). */
  int(value: number): void {
    const lo = value >>> 0;
    this.a = Math.imul(this.a ^ lo, FNV_PRIME);
    this.b = Math.imul(this.b ^ (lo ^ 0x5bd1e995), 0x01000197);
    if (value < 0 || value > 0xffffffff) {
      const hi = Math.floor(value / 4294967296) >>> 0;
      this.a = Math.imul(this.a ^ hi, FNV_PRIME);
      this.b = Math.imul(this.b ^ hi, 0x01000197);
    }
  }

  /**
   * Mixes a string, with its length so that "ab","c" and "a","bc" differ. The lanes live in
   * locals during the loop: the trace hashes a tag for most records, and reading and writing
   * the fields on every character made this loop twice as slow.
   */
  str(text: string): void {
    this.int(text.length);
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, FNV_PRIME);
      b = Math.imul(b ^ c, 0x01000197);
    }
    this.a = a;
    this.b = b;
  }

  /** 16 hex digits. */
  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }
}
