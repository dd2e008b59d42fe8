// Every payload a client or worker of this installation hands to Temporal (workflow and activity
// inputs and results, signals, updates, queries, memos, failure details) is sealed with AES-256-GCM
// before it leaves the process, so neither the history nor the server's database holds it in clear.
// Temporal's TypeScript SDK runs payload codecs outside the workflow sandbox (in the client and in the
// worker around each activation), so workflow code sees clear values and needs no change.
//
// The format is the one of Temporal's encryption samples: the whole payload (its metadata and data)
// serialised as a temporal.api.common.v1.Payload, encrypted, and wrapped in a payload whose metadata
// says `encoding: binary/encrypted` and names the key id. A payload without that marker (written
// before encryption was introduced, or by the recorded histories in test/replay) passes through as is.
// Search attributes never pass through codecs: the server indexes them in clear.
import crypto from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import { lazyRequire } from '../lazy-require';
import { loadPayloadKeys, PAYLOAD_KEY_FILE_NAME, PayloadKeyError, type PayloadKeyRing, type PayloadKeySource } from './payload-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const METADATA_ENCODING = 'encoding';
export const METADATA_KEY_ID = 'encryption-key-id';
const METADATA_CIPHER = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

// Loaded on first use: it comes with @temporalio/client, which is itself loaded on first use.
const protoLib = lazyRequire<typeof import('@temporalio/proto')>('@temporalio/proto');

const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

/** True when the payload carries this codec's marker. */
export function isEncrypted(payload: Payload): boolean {
  return text(payload.metadata?.[METADATA_ENCODING]) === ENCRYPTED_ENCODING;
}

/** The AES-256-GCM codec over a key ring, read on first use (a health check never creates a key file). */
export class EncryptionCodec implements PayloadCodec {
  private ring: PayloadKeyRing | undefined;

  constructor(private readonly loadKeys: () => PayloadKeyRing) {}

  private keys(): PayloadKeyRing {
    this.ring ??= this.loadKeys();
    return this.ring;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { temporal } = protoLib();
    const { current } = this.keys();
    return payloads.map((payload) => {
      const clear = temporal.api.common.v1.Payload.encode(payload).finish();
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', current.key, iv);
      const sealed = Buffer.concat([iv, cipher.update(clear), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: {
          [METADATA_ENCODING]: Buffer.from(ENCRYPTED_ENCODING),
          [METADATA_KEY_ID]: Buffer.from(current.id),
          [METADATA_CIPHER]: Buffer.from(CIPHER),
        },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    if (!payloads.some(isEncrypted)) return payloads;
    const { temporal } = protoLib();
    const ring = this.keys();
    return payloads.map((payload) => {
      if (!isEncrypted(payload)) return payload;
      const id = text(payload.metadata?.[METADATA_KEY_ID]) ?? '';
      const key = ring.byId.get(id);
      if (!key) {
        throw new PayloadKeyError(
          `A payload is encrypted with key id '${id}', which ${ring.origin} does not hold: add that key as '${id}:<base64 key>' after the current one (in MM_PAYLOAD_KEY, or a line of the key file ${PAYLOAD_KEY_FILE_NAME} in MM_STATE_DIR).`,
        );
      }
      const data = Buffer.from(payload.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadKeyError(`A payload encrypted with key id '${id}' is truncated.`);
      const decipher = crypto.createDecipheriv('aes-256-gcm', key.key, data.subarray(0, IV_BYTES));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      let clear: Buffer;
      try {
        clear = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      } catch {
        throw new PayloadKeyError(`A payload does not open with key id '${id}' from ${ring.origin}: the key under that id is not the one it was sealed with.`);
      }
      return temporal.api.common.v1.Payload.decode(clear);
    });
  }
}

const codecs = new Map<string, EncryptionCodec>();

/** The codec of a key source, one per source and process. */
export function payloadCodec(source: PayloadKeySource): EncryptionCodec {
  const cacheKey = `${source.env ?? ''}\0${source.keyFile}`;
  let codec = codecs.get(cacheKey);
  if (!codec) {
    codec = new EncryptionCodec(() => loadPayloadKeys(source));
    codecs.set(cacheKey, codec);
  }
  return codec;
}

/** The data converter of every Client, Worker and replayer of this installation. */
export function payloadDataConverter(source: PayloadKeySource): DataConverter {
  return { payloadCodecs: [payloadCodec(source)] };
}

type Json = unknown;

/** Whether a JSON value is a payload in proto3 JSON form (`metadata` of base64 strings, `data` base64). */
function isPayloadJSON(value: Json): value is { metadata: Record<string, string>; data?: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const metadata = (value as { metadata?: unknown }).metadata;
  return typeof metadata === 'object' && metadata !== null && typeof (metadata as Record<string, unknown>)[METADATA_ENCODING] === 'string';
}

export function payloadFromJSON(json: { metadata?: Record<string, string> | null; data?: string | null }): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(json.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
    data: Buffer.from(json.data ?? '', 'base64'),
  };
}

export function payloadToJSON(payload: Payload): { metadata: Record<string, string>; data: string } {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

/**
 * A copy of a JSON document (a history as `temporal workflow show --output json` writes it) with
 * every encrypted payload in it decoded: recorded histories replay without the key.
 */
export async function decodePayloadsInJSON<T>(json: T, codec: PayloadCodec): Promise<T> {
  const visit = async (value: Json): Promise<Json> => {
    if (Array.isArray(value)) return Promise.all(value.map(visit));
    if (typeof value !== 'object' || value === null) return value;
    if (isPayloadJSON(value) && value.metadata[METADATA_ENCODING] === Buffer.from(ENCRYPTED_ENCODING).toString('base64')) {
      const [decoded] = await codec.decode([payloadFromJSON(value)]);
      return payloadToJSON(decoded);
    }
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await visit(v)] as const));
    return Object.fromEntries(entries);
  };
  return (await visit(json)) as T;
}
