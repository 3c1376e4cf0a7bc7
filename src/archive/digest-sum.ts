/**
 * Combining {@link SetDigest}s. A set digest is a lane-wise sum, so the
 * digest of an object is the sum of its chunks' digests: the writer keeps one
 * per chunk in its journal and rebuilds the object's digest on resume
 * without reading the chunks again.
 */
import { SetDigest } from '../core/record-hash.js';

const LANE_MASK = 0xffffffffffffffffn;

/** A set digest that can be built from hex and merged with others. */
export class DigestSum {
  private readonly lanes: bigint[];

  private constructor(lanes: bigint[]) {
    this.lanes = lanes;
  }

  /** The digest of the empty set. */
  static empty(): DigestSum {
    return new DigestSum([0n, 0n, 0n, 0n]);
  }

  /** A digest from its 64 hex characters (as {@link SetDigest.hex} writes them). */
  static fromHex(hex: string): DigestSum {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new RangeError(`not a set digest: ${hex}`);
    return new DigestSum([0, 1, 2, 3].map((lane) => BigInt(`0x${hex.slice(lane * 16, lane * 16 + 16)}`)));
  }

  /** A digest from a finished {@link SetDigest}. */
  static of(digest: SetDigest): DigestSum {
    return DigestSum.fromHex(digest.hex());
  }

  /** Adds another digest's set to this one (the sets must not overlap). */
  merge(other: DigestSum | string): this {
    const lanes = typeof other === 'string' ? DigestSum.fromHex(other).lanes : other.lanes;
    for (let lane = 0; lane < 4; lane += 1) {
      this.lanes[lane] = ((this.lanes[lane] as bigint) + (lanes[lane] as bigint)) & LANE_MASK;
    }
    return this;
  }

  /** The digest as 64 hex characters, like {@link SetDigest.hex}. */
  hex(): string {
    return this.lanes.map((lane) => lane.toString(16).padStart(16, '0')).join('');
  }
}
