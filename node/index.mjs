// ESM entry: the same objects as the CommonJS entry (index.js).
import plasmite from "./index.js";

export const {
  Client,
  Pool,
  Stream,
  Lite3Stream,
  Message,
  Delivery,
  Group,
  parseMessage,
  replay,
  DEFAULT_POOL_DIR,
  DEFAULT_POOL_SIZE,
  DEFAULT_POOL_SIZE_BYTES,
  Durability,
  ErrorKind,
  PlasmiteNativeError,
  RemoteClient,
  RemotePool,
  RemoteTail,
  RemoteError,
  RemoteGroup,
} = plasmite;
export default plasmite;
