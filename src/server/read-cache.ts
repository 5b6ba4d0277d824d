/**
 * Serialized public answers of the cacheable GET routes (RouteDef.cache), by request URL, each with the read stamp
 * it was built under (src/workflow/read-stamp.ts). A hit costs the stamp's one indexed lookup instead of the
 * reads and serialization of the answer. Bounded by entries and bytes; least recently used ones go first.
 */
export interface CachedAnswer {
  stamp: string;
  /** The answer's UTF-8 bytes: encoded once, not on every send. */
  body: Buffer;
}

export interface ReadCache {
  get(key: string, stamp: string): Buffer | undefined;
  /** Keeps `text` (as UTF-8) and returns the bytes to send. */
  set(key: string, stamp: string, text: string): Buffer;
}

/** Bounded by `maxEntries` and by `maxChars` bytes of answers and keys. */
export function createReadCache(maxEntries = 4096, maxChars = 32 * 1024 * 1024): ReadCache {
  const entries = new Map<string, CachedAnswer>();
  let chars = 0;
  const drop = (key: string) => {
    const old = entries.get(key);
    if (old) {
      chars -= old.body.length + key.length;
      entries.delete(key);
    }
  };
  return {
    get(key, stamp) {
      const hit = entries.get(key);
      if (hit === undefined || hit.stamp !== stamp) return undefined;
      entries.delete(key);
      entries.set(key, hit);
      return hit.body;
    },
    set(key, stamp, text) {
      const body = Buffer.from(text, 'utf8');
      if (body.length + key.length > maxChars / 8) return body; // one huge answer must not evict all else
      drop(key);
      entries.set(key, { stamp, body });
      chars += body.length + key.length;
      while (entries.size > maxEntries || chars > maxChars) drop(entries.keys().next().value!);
      return body;
    },
  };
}
