import { shq } from '../shell/quote.js';

// Root steps on a host whose sudo wants the user's password (--ask-become-pass). Every script there defines `sudo` as
// `sudo -A` with an askpass helper that prints the password from a variable that only sudo's own environment carries:
// the password travels inside the script on ssh's stdin, never on a command line, in a file, or in a step's environment.

// Makes the helper (it holds no password) in a new private folder and prints the folder; run once per connection.
export const MAKE_ASKPASS = `d=$(mktemp -d "\${TMPDIR:-/tmp}/rig-become-XXXXXX") || exit 1
cat > "$d/askpass" <<'RIG_ASKPASS'
#!/bin/sh
printf '%s\\n' "$RIG_BECOME_PASS"
RIG_ASKPASS
chmod 700 "$d/askpass" && printf '%s\\n' "$d"`;

// Checks that sudo takes the password (nothing to check for root).
export const CHECK_BECOME = '[ "$(id -u)" = 0 ] || sudo -n true';

// The lines a script on the host starts with: `sudo` (its -n dropped) asks the helper in `dir` for `password`.
export function becomePrelude(password: string, dir: string): string {
  return `rig_become=${shq(password)}
sudo() { [ "$1" = -n ] && shift; RIG_BECOME_PASS=$rig_become SUDO_ASKPASS=${shq(`${dir}/askpass`)} command sudo -A "$@"; }`;
}

// Removes the helper's folder.
export const removeAskpass = (dir: string): string => `rm -rf ${shq(dir)}`;
