// ESM entry: the same objects as the CommonJS entry (index.js).
import plasmite from "./index.js";

export const {
  Client,
  Pool,
  Stream,
  Lite3Stream,
  Durability,
  ErrorKind,
  PlasmiteNativeError,
  RemoteClient,
  RemotePool,
  RemoteTail,
  RemoteError,
} = plasmite;
export default plasmite;
