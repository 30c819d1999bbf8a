import { randomBytes } from 'node:crypto';
import { DEBIAN_IMAGES, podman, podmanOk, UBUNTU_IMAGES } from './podman.js';

// Every base image scripts/test-image.sh builds, by release codename: Debian 11, 12 and 13, Ubuntu 20.04, 22.04 and 24.04.
export const RELEASE_IMAGES = { ...DEBIAN_IMAGES, ...UBUNTU_IMAGES };

// A release codename of RELEASE_IMAGES.
export type Release = keyof typeof RELEASE_IMAGES;

// Every release, Debian's first.
export const RELEASES = Object.keys(RELEASE_IMAGES) as Release[];

// Whether a release is Debian's (else Ubuntu's).
export const isDebian = (release: Release): boolean => release in DEBIAN_IMAGES;

// Images a suite makes for itself (named after it, with a random part so that concurrent runs never share one), removed together.
export class SuiteImages {
  private readonly made: string[] = [];
  private readonly tag = randomBytes(4).toString('hex');

  constructor(private readonly prefix: string) {}

  // An image of the release with apt's package lists already fetched, as a real box has them (the base images have none,
  // and every run would otherwise fetch them first). rig's apt steps use lists up to a day old.
  async withPackageLists(release: Release): Promise<string> {
    const work = `${this.prefix}-lists-${release}-${this.tag}`;
    try {
      await podmanOk(['run', '--name', work, '--network', 'host', RELEASE_IMAGES[release], 'apt-get', 'update', '-qq']);
      return await this.commit(work, `lists-${release}`);
    } finally {
      await podman(['rm', '-f', '-t', '0', work]);
    }
  }

  // A new running container of an image, with a network of its own (unlike rig's podman: targets, which share the host's):
  // services that listen, as PostgreSQL does on 5432, do not meet those of the other containers.
  async start(image: string): Promise<string> {
    const name = `${this.prefix}-${randomBytes(4).toString('hex')}`;
    await podmanOk(['run', '-d', '--name', name, image, 'sleep', 'infinity']);
    return name;
  }

  // A container as an image of this suite; the name says what it holds.
  async commit(container: string, what: string): Promise<string> {
    const image = `localhost/${this.prefix}-${what}:${this.tag}`;
    await podmanOk(['commit', '-q', container, image]);
    this.made.push(image);
    return image;
  }

  // Remove every image made here, and any container left of them.
  async removeAll(): Promise<void> {
    for (const image of this.made.reverse()) await podman(['rmi', '-f', image]);
  }
}
