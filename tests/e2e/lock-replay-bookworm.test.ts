import { replaySuite } from './lock-replay.js';
import { DEBIAN_IMAGES } from './podman.js';

// The lock replay suite (./lock-replay.ts) on Debian 12, a file of its own so that it runs beside the other images'.
replaySuite(DEBIAN_IMAGES.bookworm);
