import { replaySuite } from './lock-replay.js';
import { UBUNTU_IMAGES } from './podman.js';

// The lock replay suite (./lock-replay.ts) on Ubuntu 22.04, a file of its own so that it runs beside the other images'.
replaySuite(UBUNTU_IMAGES.jammy);
